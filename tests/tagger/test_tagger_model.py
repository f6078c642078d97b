"""The shipped, trained pipeline: labels, reasons, languages, and the targets on the frozen test split."""

import datetime as dt
import json
import subprocess
import sys

import pytest

from tracker.tagger import TagResult, detect_language, get_tagger
from tracker.tagger.evaluate import evaluate, format_report, load_split
from tracker.tagger.pipeline import MODEL_DIR, Tagger


@pytest.fixture(scope="module")
def tagger():
    # get_tagger() is a process-wide singleton: the pipeline is loaded once per test session.
    return get_tagger()


def test_model_is_shipped_small_and_trained():
    assert (MODEL_DIR / "ja" / "config.cfg").exists() and (MODEL_DIR / "en" / "config.cfg").exists()
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 30_000_000
    thresholds = json.loads((MODEL_DIR / "thresholds.json").read_text())
    assert {"model", "rule", "relevant"} <= thresholds.keys()


def test_year_end_adjustment_is_accounting_and_hr(tagger):
    result = tagger.tag("令和7年分の年末調整のしかたを公表しました")
    assert set(result.departments) == {"accounting", "hr"}
    assert "withholding_year_end" in result.topics
    assert "年末調整" in result.reasons["withholding_year_end"]
    assert all(result.reasons[label].startswith(("rule:", "model:")) for label in result.departments)


@pytest.mark.parametrize("text", [
    "国税庁職員（一般職）の採用について",
    "一般競争入札の公告（庁舎の清掃業務）",
    "第12回労働政策審議会労働条件分科会の開催について",
    "10年利付国債（第380回）の入札結果",
    "令和8年版厚生労働白書を公表します",
    "大臣閣議後記者会見の概要",
    "Labour market overview, UK: March 2026",
])
def test_none_of_the_back_office(tagger, text):
    result = tagger.tag(text)
    assert result.departments == [] and result.topics == []


@pytest.mark.parametrize("text, department", [
    ("個人情報保護委員会は、個人データの漏えいについて事業者に勧告を行いました", "legal"),
    ("VPN機器の脆弱性を悪用したランサムウェア被害に関する注意喚起", "it"),
    ("地域別最低賃金の改定について（令和8年10月1日発効）", "hr"),
    ("インボイス制度に関するQ&Aを改訂しました", "accounting"),
    ("The National Minimum Wage rates change from April: guidance for employers", "hr"),
])
def test_departments(tagger, text, department):
    assert department in tagger.tag(text).departments


def test_dates_come_with_the_tags(tagger):
    result = tagger.tag("労働基準法施行規則の一部を改正する省令案に関する意見募集について\n"
                        "意見募集期間：令和8年1月15日～令和8年2月13日。施行予定日：令和8年4月1日")
    assert result.effective_on == dt.date(2026, 4, 1) and result.deadline_on == dt.date(2026, 2, 13)
    assert "hr" in result.departments


def test_tag_many_keeps_order_and_mixes_languages(tagger):
    texts = ["国税庁職員の採用について", "HMRC: PAYE changes for employers", "", "年末調整の手引き"] * 3
    results = tagger.tag_many(texts, batch_size=2)
    assert len(results) == len(texts)
    assert [r.language for r in results[:4]] == ["ja", "en", "en", "ja"]
    assert results[3].departments == results[7].departments


def test_to_json_shape(tagger):
    data = tagger.tag("インボイス制度に関するQ&Aを改訂しました").to_json("x")
    assert set(data) >= {"text", "departments", "topics", "effective_on", "deadline_on", "reasons"}
    json.dumps(data, ensure_ascii=False)


def test_only_configured_departments_are_given():
    tagger = Tagger(departments=["accounting", "legal", "facilities"])
    result = tagger.tag("令和7年分の年末調整のしかたを公表しました")
    assert result.departments == ["accounting"]


def test_detect_language():
    assert detect_language("年末調整の手引き") == "ja"
    assert detect_language("HMRC publishes guidance") == "en"
    assert detect_language("e-Gov電子申請のAPI仕様") == "ja"
    assert detect_language("") == "en"


def test_targets_on_the_frozen_test_split(tagger):
    report = evaluate(tagger, load_split("test"), split="test")
    summary = report.summary()
    assert summary["department_micro_f1"] >= 0.85, format_report(report)
    assert summary["relevance_accuracy"] >= 0.92, format_report(report)


def test_importing_the_tagger_does_not_import_spacy():
    code = "import tracker, tracker.tagging, tracker.tagger, tracker.tagger.dates, sys; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_result_type():
    assert TagResult().departments == []


def test_threads_share_one_tagger(tagger):
    import threading

    texts = ["令和7年分の年末調整のしかたを公表しました", "国税庁職員の採用について"] * 10
    expected = [r.departments for r in tagger.tag_many(texts)]
    seen, errors = [], []

    def work():
        try:
            seen.append([r.departments for r in tagger.tag_many(texts)])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(s == expected for s in seen)


def test_blank_and_odd_texts(tagger):
    results = tagger.tag_many(["", "   ", "\t", "。", "!!!", "0" * 5000, "年" * 10000])
    assert len(results) == 7
    assert all(r.departments == [] for r in results[:5])

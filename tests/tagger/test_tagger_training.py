"""Training helpers: the frozen-split guard, threshold tuning, and the generator's small pieces."""

import json
import random
import shutil

import pytest

from tracker.tagger.corpus import generate as gen
from tracker.tagger.evaluate import CORPUS_DIR
from tracker.tagger.thresholds import tune
from tracker.tagger.train import check_manifest


def test_a_changed_split_file_is_caught(tmp_path):
    for name in ("manifest.json", "train.jsonl", "dev.jsonl", "test.jsonl"):
        shutil.copy(CORPUS_DIR / name, tmp_path / name)
    assert check_manifest(tmp_path)["splits"]["test"]["records"] > 0
    with open(tmp_path / "test.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "sneaked in"}) + "\n")
    with pytest.raises(RuntimeError, match="test.jsonl changed"):
        check_manifest(tmp_path)


def test_tune_finds_the_separating_threshold():
    rng = random.Random(1)
    scored, gold = [], []
    for _ in range(200):
        positive = rng.random() < 0.3
        score = rng.uniform(0.6, 1.0) if positive else rng.uniform(0.0, 0.4)
        scored.append(({"hr": score}, {}))
        gold.append({"hr"} if positive else set())
    thresholds = tune(scored, gold)
    assert 0.4 <= thresholds["model"]["hr"] <= 0.6
    # A label never seen on dev keeps a neutral threshold.
    assert thresholds["model"]["it"] == 0.5


def test_rule_hits_lower_the_bar():
    scored = [({"legal": 0.3}, {"legal": ["個人情報保護法"]}), ({"legal": 0.3}, {}), ({"legal": 0.9}, {})]
    gold = [{"legal"}, set(), {"legal"}]
    thresholds = tune(scored, gold)
    assert thresholds["rule"]["legal"] <= 0.3 < thresholds["model"]["legal"] <= 0.9


def test_entry_syntax():
    assert gen.parse_entry("年末調整のしかた", "withholding_year_end") == (
        "年末調整のしかた", ["accounting", "hr"], ["withholding_year_end"])
    assert gen.parse_entry("電子インボイスの標準仕様#e_bookkeeping@accounting+it", "consumption_tax_invoice") == (
        "電子インボイスの標準仕様", ["accounting", "it"], ["consumption_tax_invoice", "e_bookkeeping"])


def test_dates_are_written_in_every_style():
    import datetime as dt

    from tracker.dates import parse_date

    rng = random.Random(3)
    day = dt.date(2026, 4, 1)
    styles = set()
    for _ in range(200):
        text, yearless = gen.format_ja(day, rng)
        styles.add(text)
        if not yearless:
            assert parse_date(text) == day, text
    assert any("令和" in s for s in styles) and any(any("０" <= ch <= "９" for ch in s) for s in styles) and any("八" in s for s in styles)

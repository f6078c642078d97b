"""Date extraction: which date is the 施行日 and which the deadline, in the forms regulators write them."""

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from tracker.tagger.dates import extract_dates

D = dt.date
PUB = D(2026, 1, 15)


@pytest.mark.parametrize("text, effective", [
    ("令和8年4月1日から施行", D(2026, 4, 1)),
    ("施行日：2026年1月1日", D(2026, 1, 1)),
    ("施行期日　令和八年十月一日", D(2026, 10, 1)),
    ("令和8年4月1日以後に開始する事業年度から適用します。", D(2026, 4, 1)),
    ("２０２６年１０月１日から最低賃金が改定されます", D(2026, 10, 1)),
    ("令和元年5月1日施行", D(2019, 5, 1)),
    ("平成31年4月1日から施行する。", D(2019, 4, 1)),
    ("改正省令は2026/04/01から適用されます", D(2026, 4, 1)),
    ("新制度は令和８年１０月１日から始まります", D(2026, 10, 1)),
    ("労働基準法施行規則の一部を改正する省令（令和8年4月1日施行）", D(2026, 4, 1)),
    ("The changes take effect on 6 April 2026.", D(2026, 4, 6)),
    ("The regulations come into force on April 6, 2026.", D(2026, 4, 6)),
    ("This applies from 1 October 2026.", D(2026, 10, 1)),
    ("令和7年4月1日から義務となります", D(2025, 4, 1)),
])
def test_effective_on(text, effective):
    assert extract_dates(text) == (effective, None)


@pytest.mark.parametrize("text, deadline", [
    ("意見募集期間：2026年1月10日～2026年2月9日", D(2026, 2, 9)),
    ("意見募集期間：令和8年1月10日（土）～2月9日（月）", D(2026, 2, 9)),
    ("受付締切日時：2026/07/10 23:59", D(2026, 7, 10)),
    ("提出期限は令和８年３月１６日（月）です。", D(2026, 3, 16)),
    ("申請期限 2026年3月31日まで", D(2026, 3, 31)),
    ("令和8年2月27日（金）17時必着", D(2026, 2, 27)),
    ("ご意見は2026年2月20日までにお寄せください。", D(2026, 2, 20)),
    ("締切：令和8年3月2日", D(2026, 3, 2)),
    ("提出期限：令和8年3月末", D(2026, 3, 31)),
    ("Responses are due by 15 January 2026.", D(2026, 1, 15)),
    ("The consultation closes on 3 March 2026.", D(2026, 3, 3)),
    ("The deadline is 31 January 2026.", D(2026, 1, 31)),
])
def test_deadline_on(text, deadline):
    assert extract_dates(text) == (None, deadline)


@pytest.mark.parametrize("text", [
    "令和8年2月3日に開催します",
    "開催日時：2026年2月1日 10:00",
    "更新日：2026年1月5日",
    "令和8年1月20日に公布されました。",
    "公布の日から起算して六月を経過した日から施行",
    "公布の日から起算して1年を超えない範囲内において政令で定める日から施行",
    "長官記者会見要旨（令和8年1月20日）",
    "2026年1月15日　国税庁",
    "令和8年度の予算",
    "",
    "Minister's speech on 6 April 2026",
])
def test_dates_that_are_neither(text):
    assert extract_dates(text, published=PUB) == (None, None)


def test_promulgation_beside_effective_date():
    text = "公布日：令和7年12月1日、施行日：令和8年4月1日"
    assert extract_dates(text) == (D(2026, 4, 1), None)


def test_both_dates_in_one_announcement():
    text = ("労働安全衛生規則の一部を改正する省令案に関する意見募集について\n意見募集期間：令和8年1月15日～令和8年2月13日。"
            "施行予定日：令和8年10月1日")
    assert extract_dates(text) == (D(2026, 10, 1), D(2026, 2, 13))


def test_yearless_dates_need_the_publication_date():
    assert extract_dates("4月1日から施行") == (None, None)
    assert extract_dates("4月1日から施行", published=D(2026, 1, 15)) == (D(2026, 4, 1), None)
    # Published in November: next April is meant.
    assert extract_dates("4月1日から施行", published=D(2026, 11, 2)) == (D(2027, 4, 1), None)
    # A few weeks after the date: the date just past is meant.
    assert extract_dates("4月1日から施行されました", published=D(2026, 4, 20)) == (D(2026, 4, 1), None)
    assert extract_dates("提出期限は7月10日です", published=D(2026, 6, 5)) == (None, D(2026, 7, 10))


def test_yearless_end_of_range_takes_the_year_of_its_start():
    assert extract_dates("意見募集期間：2026年12月20日～1月19日") == (None, D(2027, 1, 19))


def test_month_end():
    assert extract_dates("定期報告書の提出期限は7月末日です", published=D(2026, 4, 1)) == (None, D(2026, 7, 31))


def test_invalid_dates_are_not_taken():
    assert extract_dates("令和8年2月30日から施行") == (None, None)
    assert extract_dates("施行日：2026年13月1日") == (None, None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("令和平成元年月日から施行締切期限まで～〜:：/.-()（）0123456789０１２３４５６７８９一二三四五六七八九十〇 末")),
               max_size=80),
       st.one_of(st.none(), st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))))
def test_no_text_crashes_the_extractor(text, published):
    effective, deadline = extract_dates(text, published=published)
    assert effective is None or isinstance(effective, dt.date)
    assert deadline is None or isinstance(deadline, dt.date)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_no_arbitrary_unicode_crashes_the_extractor(text):
    result = extract_dates(text, published=D(2026, 1, 1))
    assert len(result) == 2


@pytest.mark.parametrize("text, expected", [
    # A 付け date is the day of an act: a 施行日 only when the act is 施行.
    ("令和8年7月8日付けで雇用保険法施行規則の一部を改正する省令が公布されました。", (None, None)),
    ("令和8年4月2日付けで税効果会計に係る会計基準の適用指針が公布されました。", (None, None)),
    ("令和8年4月1日付けで施行されました。", (D(2026, 4, 1), None)),
    # 施行 inside a law's name is no cue.
    ("令和8年5月9日、労働基準法施行規則を改正しました。", (None, None)),
    # A cue that belongs to a noun further on is no cue either.
    ("厚生労働省は、令和7年12月29日、カスハラ防止措置の義務化を公表しました。", (None, None)),
    # Two brackets after the date, and a label of the next date right after it.
    ("2026年3月26日（木）（必着）までにご提出ください。", (None, D(2026, 3, 26))),
    ("提出期限：2027.1.9更新日：令和8年12月3日", (None, D(2027, 1, 9))),
    ("応募書類の提出期限：2025年12月2日 17時更新日：2025/10/25", (None, D(2025, 12, 2))),
    ("New rules on Class 1 National Insurance thresholds from February 4, 2026", (D(2026, 2, 4), None)),
])
def test_cues_in_context(text, expected):
    assert extract_dates(text, published=PUB) == expected


# A start date is a 施行日 only when what starts becomes binding: windows for applications, entries, comments,
# courses and events open on a date without changing any rule (e-Gov's 意見・情報受付開始日 is the classic trap).
@pytest.mark.parametrize("text, expected", [
    ("案件番号：495260311 所管府省・部局名等：厚生労働省 カテゴリー：労働・雇用 意見・情報受付開始日：2026/11/20 "
     "受付締切日時：2026/12/19 23:59", (None, D(2026, 12, 19))),
    ("募集開始日：2026年12月1日", (None, None)),
    ("受講申込開始日 2026年12月1日", (None, None)),
    ("公募開始：令和8年12月1日", (None, None)),
    ("公開日：2026年11月20日", (None, None)),
    ("掲載日：2026年11月20日", (None, None)),
    ("開催日：2026年12月3日", (None, None)),
    ("開始日：2026年12月1日", (None, None)),
    ("令和8年12月1日から申請受付を開始します", (None, None)),
    ("申請受付を開始します（令和8年12月1日から）", (None, None)),
    ("令和8年12月1日から募集を開始します", (None, None)),
    ("令和8年12月1日から受講の受付が始まります", (None, None)),
    ("Applications start on 1 December 2026.", (None, None)),
    ("Registration for the webinar starts on 3 December 2026", (None, None)),
    # … and the starts that are 施行日.
    ("2026年4月1日から制度が開始されます", (D(2026, 4, 1), None)),
    ("令和9年4月1日から義務化が開始されます", (D(2027, 4, 1), None)),
    ("令和8年12月1日から新制度の運用が開始されます", (D(2026, 12, 1), None)),
    ("制度の開始日：令和9年4月1日", (D(2027, 4, 1), None)),
    ("適用開始日：令和9年4月1日", (D(2027, 4, 1), None)),
    ("The new regime starts on 6 April 2027.", (D(2027, 4, 6), None)),
])
def test_start_dates_that_are_not_effective(text, expected):
    assert extract_dates(text, published=D(2026, 11, 18)) == expected

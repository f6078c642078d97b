"""e-Gov 法令API v1 ``updatelawlists/{yyyyMMdd}``: the laws whose text changed on one day.

The body is ``DataRoot`` with ``Result/Code`` (0 = ok) and ``ApplData`` holding the day (``Date``) and one
``LawNameListInfo`` per amended law (LawTypeName, LawNo, LawName, PromulgationDate, AmendName, AmendNo,
AmendPromulgationDate, EnforcementDate, LawId …, dates as yyyyMMdd). A day without updates is an HTTP 404,
which the spider handles before calling this.

Each amendment of a law is one update: its URL is the law's e-Gov page
(``https://laws.e-gov.go.jp/law/<LawId>``) qualified by the amending law's number, so two amendments of one
law stay two updates and the same amendment listed on two days stays one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Mapping, Optional
from urllib.parse import quote

from lxml import etree

from crawlers.items import UpdateItem
from crawlers.normalize import canonical_url, clean_text
from crawlers.parsers import ParseError, one_line
from crawlers.parsers.dates import day_start

if TYPE_CHECKING:
    from crawlers.registry import SourceSpec

log = logging.getLogger(__name__)

LAW_PAGE = "https://laws.e-gov.go.jp/law/{law_id}"
# Without a LawId the API's own law-data address (it accepts a 法令番号) is the stable place of the law.
LAW_DATA = "https://laws.e-gov.go.jp/api/1/lawdata/{law_no}"
_DAY = re.compile(r"(\d{8})/?$")


def _yyyymmdd(text: Optional[str]) -> Optional[dt.date]:
    text = (text or "").strip()
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _field(node: etree._Element, tag: str) -> str:
    found = node.find(tag)
    return clean_text(found.text) if found is not None and found.text else ""


def parse_law_updates(spec: "SourceSpec", body: bytes, *, url: str,
                      headers: Mapping[str, str] | None = None) -> list[UpdateItem]:
    """One item per ``LawNameListInfo``; ParseError for non-XML bodies and API errors (Result/Code ≠ 0)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"law API answer is not XML: {one_line(exc)}") from exc
    if root is None:
        raise ParseError("law API answer is not XML")
    if root.tag != "DataRoot":
        raise ParseError(f"law API answer has root <{one_line(root.tag, 40)}>, expected <DataRoot>")
    code = (root.findtext("Result/Code") or "").strip()
    if code and code != "0":
        message = clean_text(root.findtext("Result/Message")) or "no message"
        raise ParseError(f"law API error {code}: {one_line(message)}")
    data = root.find("ApplData")
    if data is None:
        raise ParseError("law API answer has no ApplData")
    list_day = _yyyymmdd(data.findtext("Date"))
    if list_day is None and (m := _DAY.search(url)):
        list_day = _yyyymmdd(m.group(1))
    items: dict[str, UpdateItem] = {}
    for info in data.iter("LawNameListInfo"):
        item = _law_item(spec, info, list_day=list_day)
        if item is not None:
            items.setdefault(item.url, item)
    return list(items.values())


def _law_item(spec: "SourceSpec", info: etree._Element, *, list_day: Optional[dt.date]) -> Optional[UpdateItem]:
    name = _field(info, "LawName")
    law_no = _field(info, "LawNo")
    if not name or not (law_no or _field(info, "LawId")):
        log.info("%s: skipped a LawNameListInfo without LawName or LawNo", spec.name)
        return None
    law_id = _field(info, "LawId")
    amend_name = _field(info, "AmendName")
    amend_no = _field(info, "AmendNo")
    base = LAW_PAGE.format(law_id=quote(law_id, safe="")) if law_id else LAW_DATA.format(law_no=quote(law_no, safe=""))
    url = f"{base}?amend={quote(amend_no, safe='')}" if amend_no else base
    effective_on = _yyyymmdd(_field(info, "EnforcementDate"))
    promulgated = _yyyymmdd(_field(info, "AmendPromulgationDate")) or _yyyymmdd(_field(info, "PromulgationDate"))
    # The list's day is when the change reached e-Gov (what this source reports); 公布日 goes in the summary.
    published = list_day or promulgated
    title = f"{name}（{amend_name}）" if amend_name and amend_name != name else name
    lines = [f"法令番号：{law_no}" if law_no else ""]
    if amend_name or amend_no:
        lines.append(f"改正法令：{amend_name} {amend_no}".strip())
    if promulgated:
        lines.append(f"公布日：{promulgated:%Y-%m-%d}")
    if effective_on:
        lines.append(f"施行日：{effective_on:%Y-%m-%d}")
    comment = _field(info, "EnforcementComment")
    if comment:
        lines.append(f"施行日備考：{comment}")
    law_type = _field(info, "LawTypeName")
    return UpdateItem(
        source=spec.name,
        url=canonical_url(url),
        title=title,
        summary=" / ".join(line for line in lines if line),
        published_at=day_start(published) if published else None,
        effective_on=effective_on,
        language=spec.language,
        categories=[law_type] if law_type else [],
    )

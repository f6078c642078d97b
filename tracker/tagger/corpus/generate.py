"""Generate the tagger's labelled corpus, reproducibly, from the subject banks we wrote.

    python -m tracker.tagger.corpus.generate            # writes generated.jsonl; writes the split files once
    python -m tracker.tagger.corpus.generate --force    # also rewrites train/dev/test (changes the frozen split!)

It also writes ``train_supplement.jsonl`` (subjects_laws: law names as e-Gov lists them, more kinds of none): records
added after the split was frozen go to training only, from their own random source, so the frozen files stay as
they are.

Each record: id, text, lang, departments, topics, effective_on, deadline_on, published, group, category. The
split is by *group* (one subject or one headline pattern), so the dev and test splits hold subjects and phrasings
the model never saw in training. The split files are frozen: once written they are only rewritten with --force,
and ``manifest.json`` keeps their checksums so a silent change is caught by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import random
import sys
from pathlib import Path
from typing import Any, Optional

from tracker.dates import ERAS
from tracker.tagger.corpus import subjects_en, subjects_ja
from tracker.tagger.labels import DEPARTMENTS, TOPIC_DEPARTMENTS, TOPICS

log = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).parent
SEED = 20261124
SPLITS = ("train", "dev", "test")
SPLIT_SHARES = (0.70, 0.15, 0.15)
# Who announces department-only subjects (subjects_ja.DEPARTMENT_ONLY): an agency that plausibly would.
DEPARTMENT_AGENCIES_JA = {
    "general_affairs": ["警察庁", "消防庁", "総務省", "日本郵便", "法務省", "内閣府", "東京消防庁"],
    "it": ["デジタル庁", "IPA", "経済産業省", "総務省", "内閣サイバーセキュリティセンター"],
    "legal": ["経済産業省", "法務省", "消費者庁", "警察庁", "内閣府"],
    "accounting": ["国税庁", "財務省", "東京国税局", "大阪国税局", "中小企業庁"],
    "hr": ["厚生労働省", "出入国在留管理庁", "東京労働局", "ハローワーク", "厚労省"],
}
MINISTRY_SHORT = ["厚生労働省", "財務省", "内閣府", "経済産業省", "法務省", "総務省"]


def parse_entry(entry: str, topic: Optional[str]) -> tuple[str, list[str], list[str]]:
    """'text#topic+topic@dep+dep' → (text, departments, topics)."""
    text, deps, extra = entry, None, []
    if "@" in text:
        text, dep_part = text.rsplit("@", 1)
        deps = dep_part.split("+")
    if "#" in text:
        text, topic_part = text.rsplit("#", 1)
        extra = topic_part.split("+")
    topics = ([topic] if topic else []) + [t for t in extra if t != topic]
    if deps is None:
        deps = sorted({d for t in topics for d in TOPIC_DEPARTMENTS[t]})
    for label in deps:
        assert label in DEPARTMENTS, label
    for label in topics:
        assert label in TOPICS, label
    return text, sorted(set(deps)), sorted(set(topics))


# --- dates written the ways regulators write them -----------------------------------------------------------------

_KANJI = "〇一二三四五六七八九"


def _kanji_number(n: int) -> str:
    if n < 10:
        return _KANJI[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _KANJI[tens]) + "十" + (_KANJI[ones] if ones else "")


def _wareki_year(year: int) -> tuple[str, int]:
    era = max((start, name) for name, start in ERAS.items() if start <= year)
    return era[1], year - era[0] + 1


def format_ja(date: dt.date, rng: random.Random, *, allow_yearless: bool = True) -> tuple[str, bool]:
    """A date as a Japanese regulator writes it; True when the year was left out."""
    era, ey = _wareki_year(date.year)
    ey_text = "元" if ey == 1 else str(ey)
    style = rng.random()
    weekday = "（" + "月火水木金土日"[date.weekday()] + "）" if rng.random() < 0.25 else ""
    if allow_yearless and style < 0.10:
        return f"{date.month}月{date.day}日{weekday}", True
    if style < 0.45:
        return f"{era}{ey_text}年{date.month}月{date.day}日{weekday}", False
    if style < 0.70:
        return f"{date.year}年{date.month}月{date.day}日{weekday}", False
    if style < 0.82:
        full = str.maketrans("0123456789", "０１２３４５６７８９")
        return f"{era}{ey_text}年{date.month}月{date.day}日".translate(full) + weekday, False
    if style < 0.90:
        return f"{date.year}/{date.month:02d}/{date.day:02d}", False
    if style < 0.95:
        return f"{era}{_kanji_number(ey) if ey > 1 else '元'}年{_kanji_number(date.month)}月{_kanji_number(date.day)}日", False
    return f"{date.year}.{date.month}.{date.day}", False


def format_en(date: dt.date, rng: random.Random) -> str:
    month = date.strftime("%B")
    return f"{date.day} {month} {date.year}" if rng.random() < 0.7 else f"{month} {date.day}, {date.year}"


def _fill(template: str, slots: dict[str, Any]) -> str:
    try:
        return template.format(**slots)
    except KeyError as exc:  # a slot the bank forgot: a bug in the bank, not in the data
        raise KeyError(f"template {template!r} needs slot {exc}") from exc


class Generator:
    """Builds the records from the banks with one seeded random source."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.records: list[dict[str, Any]] = []
        self.seen: set[str] = set()

    # slots shared by all templates
    def _slots(self, lang: str, bank: Any, agency: str, pub: dt.date) -> dict[str, Any]:
        rng = self.rng
        meet = pub + dt.timedelta(days=rng.randint(3, 40))
        era, ey = _wareki_year(pub.year)
        return {
            "agency": agency, "n": rng.randint(2, 160), "ry": ey, "rm": rng.randint(1, 12),
            "month": f"{rng.randint(1, 12)}月" if lang == "ja" else pub.strftime("%B %Y"),
            "year": pub.year, "word": rng.choice(bank.NONE_WORDS), "place": rng.choice(bank.PLACES),
            "country": rng.choice(bank.COUNTRIES), "bank": rng.choice(bank.BANKS),
            "ministry": rng.choice(MINISTRY_SHORT).removesuffix("省").removesuffix("府") + ("省" if rng.random() < 0.7 else "府"),
            "pub": format_ja(pub, rng, allow_yearless=False)[0] if lang == "ja" else format_en(pub, rng),
            "meet": format_ja(meet, rng, allow_yearless=False)[0] + " 14:00" if lang == "ja" else format_en(meet, rng),
            "date": format_ja(pub, rng, allow_yearless=False)[0] if lang == "ja" else format_en(pub, rng),
        }

    def _add(self, *, text: str, lang: str, deps: list[str], topics: list[str], eff: Optional[dt.date],
             dl: Optional[dt.date], pub: dt.date, group: str, category: str) -> None:
        text = " ".join(text.split(" ")) if lang == "en" else text
        if text in self.seen:
            return
        self.seen.add(text)
        self.records.append({
            "text": text, "lang": lang, "departments": deps, "topics": topics,
            "effective_on": eff.isoformat() if eff else None, "deadline_on": dl.isoformat() if dl else None,
            "published": pub.isoformat(), "group": group, "category": category,
        })

    def _pub(self) -> dt.date:
        return dt.date(2025, 1, 6) + dt.timedelta(days=self.rng.randint(0, 700))

    def _join(self, parts: list[str], lang: str) -> str:
        if lang == "en":
            return " ".join(parts)
        sep = self.rng.choice(["\n", "\n", "。", " ", "\n"])
        head, rest = parts[0], parts[1:]
        if not rest:
            return head
        if sep == "。" and head.endswith("。"):
            sep = ""
        return head + sep + "".join(rest)

    # --- relevant -------------------------------------------------------------------------------------------------
    def relevant(self, lang: str, variants: int) -> None:
        bank = subjects_ja if lang == "ja" else subjects_en
        entries: list[tuple[str, str, str, list[str], list[str], list[str]]] = []  # group, kind, text, deps, topics, agencies
        for topic, block in bank.RELEVANT.items():
            for i, entry in enumerate(block.get("matters", []) + getattr(bank, "MORE_MATTERS", {}).get(topic, [])):
                text, deps, topics = parse_entry(entry, topic)
                entries.append((f"{lang}:{topic}:m{i}", "matter", text, deps, topics, block["agencies"]))
            for i, entry in enumerate(block.get("laws", [])):
                text, deps, topics = parse_entry(entry, topic)
                entries.append((f"{lang}:{topic}:l{i}", "law", text, deps, topics, block["agencies"]))
        for dep, items in getattr(bank, "DEPARTMENT_ONLY", {}).items():
            for i, entry in enumerate(items + getattr(bank, "MORE_DEPARTMENT_ONLY", {}).get(dep, [])):
                text, deps, topics = parse_entry(entry, None)
                if "@" not in entry:
                    deps = [dep]
                agencies = DEPARTMENT_AGENCIES_JA[dep] if lang == "ja" else ["GOV.UK"]
                entries.append((f"{lang}:{dep}:d{i}", "matter", text, deps, topics, agencies))
        for group, kind, subject, deps, topics, agencies in entries:
            for _ in range(variants):
                self._relevant_one(lang, bank, group, kind, subject, deps, topics, agencies)
        for key, actions in getattr(bank, "ENFORCEMENT", {}).items():
            topic, _, dep_part = key.partition("@")
            for i, action in enumerate(actions):
                for _ in range(variants):
                    self._enforcement_one(bank, f"{lang}:{topic}:e{i}", action, sorted(dep_part.split("+")), [topic])

    def _enforcement_one(self, bank, group, action, deps, topics) -> None:
        rng = self.rng
        pub = self._pub()
        agency = rng.choice(["個人情報保護委員会", "公正取引委員会", "消費者庁", "中小企業庁", "厚生労働省", "東京労働局",
                             "大阪労働局", "公取委", "PPC"])
        slots = {**self._slots("ja", bank, agency, pub), "m": action, "company": rng.choice(bank.COMPANIES)}
        parts = [_fill(rng.choice(bank.ENFORCEMENT_FRAMES), slots)]
        if rng.random() < 0.4:
            parts.append(_fill(rng.choice(bank.RELEVANT_LEADS), slots))
        self._add(text=self._join(parts, "ja"), lang="ja", deps=deps, topics=topics, eff=None, dl=None, pub=pub,
                  group=group, category="relevant")

    def _relevant_one(self, lang, bank, group, kind, subject, deps, topics, agencies) -> None:
        rng = self.rng
        pub = self._pub()
        agency = rng.choice(agencies)
        slots = self._slots(lang, bank, agency, pub)
        eff_date = pub + dt.timedelta(days=rng.randint(20, 300))
        dl_date = pub + dt.timedelta(days=rng.randint(14, 45))
        eff: Optional[dt.date] = None
        dl: Optional[dt.date] = None
        if lang == "ja":
            eff_text, _ = format_ja(eff_date, rng)
            frame = rng.choice(bank.LAW_FRAMES if kind == "law" and rng.random() < 0.8 else bank.MATTER_FRAMES)
        else:
            eff_text = format_en(eff_date, rng)
            frame = rng.choice(bank.MATTER_FRAMES)
        if "{date}" in frame and ("施行" in frame or "適用" in frame or "from {date}" in frame):
            slots["date"], eff = eff_text, eff_date
        elif "{date}" in frame and "期限" in frame:
            slots["date"], dl = format_ja(dl_date, rng, allow_yearless=False)[0], dl_date
        head = _fill(frame, {**slots, "m": subject, "law": subject})
        if lang == "ja" and rng.random() < 0.15:
            head = rng.choice(["【", "■", "◆", "（お知らせ）", "[報道発表] ", "新着："]) + head if rng.random() < 0.5 else f"{agency}　{head}"
        parts = [head]
        shape = rng.random()
        if shape > 0.40:
            lead = _fill(rng.choice(bank.RELEVANT_LEADS), {**slots, "m": subject})
            parts.append(lead)
        if shape > 0.55:
            extra = []
            if rng.random() < 0.45:
                e_text = eff_text if lang == "ja" else format_en(eff_date, rng)
                extra.append(_fill(rng.choice(bank.EFFECTIVE_SENTENCES), {"eff": e_text}))
                eff = eff_date
            if ("意見募集" in head or "Consultation" in head or rng.random() < 0.35):
                if lang == "ja":
                    start_text = format_ja(pub, rng, allow_yearless=False)[0]
                    dl_text, _ = format_ja(dl_date, rng)
                    extra.append(_fill(rng.choice(bank.DEADLINE_SENTENCES),
                                       {"start": start_text, "dl": dl_text, "dl_num": f"{dl_date:%Y/%m/%d}"}))
                else:
                    extra.append(_fill(rng.choice(bank.DEADLINE_SENTENCES), {"dl": format_en(dl_date, rng)}))
                dl = dl_date
            if lang == "ja" and rng.random() < 0.5:
                extra.append(_fill(rng.choice(bank.CLOSING_SENTENCES), slots))
            rng.shuffle(extra)
            parts.extend(extra)
        if rng.random() < 0.3:
            parts.append(_fill(rng.choice(bank.SHARED_SENTENCES), slots))
        self._add(text=self._join(parts, lang), lang=lang, deps=deps, topics=topics, eff=eff, dl=dl, pub=pub,
                  group=group, category="relevant")

    # --- none -----------------------------------------------------------------------------------------------------
    def none(self, lang: str, variants: int) -> None:
        bank = subjects_ja if lang == "ja" else subjects_en
        rng = self.rng
        for category, block in bank.NONE_CATEGORIES.items():
            for i, pattern in enumerate(block["patterns"]):
                for _ in range(variants):
                    pub = self._pub()
                    agency = rng.choice(block["agencies"])
                    slots = self._slots(lang, bank, agency, pub)
                    head = _fill(pattern, slots)
                    if lang == "ja" and rng.random() < 0.08:  # list pages sometimes show the subject alone
                        head = head.removesuffix("について").removesuffix("のお知らせ")
                    parts = [head]
                    dl = None
                    leads = [lead.split(":", 1)[1] if _lead_category(lead) else lead for lead in bank.NONE_LEADS
                             if _lead_category(lead) in (None, category) or category in (_lead_category(lead) or "").split(",")]
                    if rng.random() > 0.45:
                        lead_template = rng.choice(leads)
                        if "{dl}" in lead_template:
                            dl = pub + dt.timedelta(days=rng.randint(10, 40))
                            slots["dl"] = format_ja(dl, rng, allow_yearless=False)[0] if lang == "ja" else format_en(dl, rng)
                        parts.append(_fill(lead_template, slots))
                    if rng.random() < 0.3:
                        parts.append(_fill(rng.choice(bank.SHARED_SENTENCES), slots))
                    self._add(text=self._join(parts, lang), lang=lang, deps=[], topics=[], eff=None, dl=dl, pub=pub,
                              group=f"{lang}:none:{category}:{i}", category=category)


def _lead_category(lead: str) -> Optional[str]:
    """'recruitment,procurement:text' → 'recruitment,procurement'; None for a lead any category may use."""
    head, sep, _ = lead.partition(":")
    return head if sep and head.replace(",", "").replace("_", "").isalpha() and head.isascii() else None


def generate(seed: int = SEED) -> list[dict[str, Any]]:
    """All records, in a stable order, each with a stable id."""
    gen = Generator(seed)
    gen.relevant("ja", variants=3)
    gen.none("ja", variants=24)
    gen.relevant("en", variants=3)
    gen.none("en", variants=16)
    for i, record in enumerate(gen.records):
        record["id"] = f"g{i:05d}"
    return gen.records


# --- the train-only supplement (subjects_laws): law names as e-Gov lists them, more kinds of none ----------------

SUPPLEMENT_SEED = SEED + 1
SUPPLEMENT_FILE = "train_supplement.jsonl"
_KIND_NO = {"法律": "法律", "政令": "政令", "内閣府令": "内閣府令"}


def _law_number(kind: str, issuer: str, era: str, year: int, n: int) -> str:
    """A law number as e-Gov writes it (「令和八年厚生労働省令第百号」 style, kanji numerals up to 99)."""
    form = _KIND_NO.get(kind) or (issuer + ("令" if kind == "省令" else kind))
    return f"{era}{_kanji_number(year)}年{form}第{_kanji_number(n)}号"


def generate_supplement(seed: int = SUPPLEMENT_SEED, *, exclude: Optional[set[str]] = None) -> list[dict[str, Any]]:
    """The train-only records of ``subjects_laws``, from their own seeded random source so that adding them leaves
    ``generated.jsonl`` and the frozen split untouched. Texts in ``exclude`` (the generated corpus) are skipped."""
    from tracker.tagger.corpus import subjects_laws as bank

    gen = Generator(seed)
    gen.seen = set(exclude if exclude is not None else (r["text"] for r in generate()))
    rng = gen.rng
    laws = [(name, kind, issuer, deps, topics) for name, kind, issuer, deps, topics in bank.RELEVANT_LAWS]
    laws += [(name, kind, issuer, [], []) for name, kind, issuer in bank.NONE_LAWS]
    for name, kind, issuer, deps, topics in laws:
        for _ in range(6):
            pub = gen._pub()
            shown = name
            if kind in ("規則", "条例") and not issuer.endswith(("都", "市")):
                shown = rng.choice(subjects_ja.PLACES) + name  # 漁業調整規則 are prefectural rules
            era, ey = _wareki_year(pub.year)
            amend_kind = {"規則": "規則", "条例": "条例"}.get(kind, "法律" if kind == "法律" else kind)
            amend_no = _law_number(amend_kind, issuer, era, ey, rng.randint(1, 99))
            slots = {"name": shown, "kind": amend_kind, "omnibus": rng.choice(bank.OMNIBUS), "amend_no": amend_no}
            head = _fill(rng.choice(bank.TITLE_FRAMES), slots)
            eff: Optional[dt.date] = None
            parts = [head]
            if rng.random() < 0.6:
                effective = pub + dt.timedelta(days=rng.randint(0, 200))
                frame = rng.choice(bank.SUMMARY_FRAMES)
                old_era, last_year = rng.choice([("昭和", 63), ("平成", 30)])
                law_no = _law_number(kind, issuer, old_era, rng.randint(2, last_year), rng.randint(1, 99))
                amend = f"{name}の一部を改正する{amend_kind}"
                parts.append(_fill(frame, {"law_no": law_no, "amend": amend, "amend_no": amend_no,
                                           "promulgated": f"{pub:%Y-%m-%d}", "effective": f"{effective:%Y-%m-%d}"}))
                eff = effective if "{effective}" in frame else None
            group = f"ja:law:{'relevant' if deps else 'none'}:{name}"
            gen._add(text="\n".join(parts), lang="ja", deps=sorted(deps), topics=sorted(topics), eff=eff, dl=None,
                     pub=pub, group=group, category="relevant" if deps else "law_names")
    for category, block in bank.NONE_CATEGORIES.items():
        for i, pattern in enumerate(block["patterns"]):
            for _ in range(6):
                pub = gen._pub()
                agency = rng.choice(block["agencies"])
                slots = gen._slots("ja", subjects_ja, agency, pub)
                slots["agency"] = _fill(agency, slots)
                parts = [_fill(pattern, slots)]
                if rng.random() < 0.5:
                    parts.append(_fill(rng.choice(bank.NONE_LEADS), slots))
                gen._add(text=gen._join(parts, "ja"), lang="ja", deps=[], topics=[], eff=None, dl=None, pub=pub,
                         group=f"ja:none:{category}:{i}", category=category)
    for i, record in enumerate(gen.records):
        record["id"] = f"s{i:05d}"
    return gen.records


def _hash(group: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{group}".encode()).hexdigest()


def assign_splits(records: list[dict[str, Any]], seed: int = SEED) -> dict[str, str]:
    """group → split. Groups are shuffled by hash within each stratum (a topic, a department or a kind of none),
    and each stratum gives ~15% of its groups (at least one) to dev and to test, so every label is in every split."""
    strata: dict[str, set[str]] = {}
    for record in records:
        key = record["lang"] + ":" + (record["topics"][0] if record["topics"]
                                      else record["departments"][0] if record["departments"] else record["category"])
        strata.setdefault(key, set()).add(record["group"])
    result: dict[str, str] = {}
    for key in sorted(strata):
        groups = sorted(strata[key] - result.keys(), key=lambda g: _hash(g, seed))
        n_eval = max(1, round(len(groups) * SPLIT_SHARES[1])) if len(groups) >= 3 else 0
        for i, group in enumerate(groups):
            result[group] = "test" if i < n_eval else "dev" if i < 2 * n_eval else "train"
    return result


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> str:
    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    path.write_text(data, encoding="utf-8")
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rewrite the frozen train/dev/test split files")
    parser.add_argument("--out", type=Path, default=CORPUS_DIR, help="folder to write into")
    args = parser.parse_args(argv)
    records = generate()
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "generated.jsonl", records)
    counts = {lang: sum(1 for r in records if r["lang"] == lang) for lang in ("ja", "en")}
    none = sum(1 for r in records if not r["departments"])
    print(f"generated {len(records)} records ({counts['ja']} ja, {counts['en']} en), none {none / len(records):.0%}")
    # Train-only, so never part of the frozen split: rewritten on every run (it is reproducible all the same).
    supplement = generate_supplement(exclude={r["text"] for r in records})
    write_jsonl(args.out / SUPPLEMENT_FILE, supplement)
    none_sup = sum(1 for r in supplement if not r["departments"])
    print(f"{SUPPLEMENT_FILE}: {len(supplement)} train-only records, none {none_sup / len(supplement):.0%}")
    manifest_path = args.out / "manifest.json"
    if manifest_path.exists() and not args.force:
        print(f"split files kept (frozen; see {manifest_path.name}); use --force to rewrite them")
        return 0
    manifest: dict[str, Any] = {"seed": SEED, "splits": {}}
    splits = assign_splits(records)
    for split in SPLITS:
        part = [r for r in records if splits[r["group"]] == split]
        digest = write_jsonl(args.out / f"{split}.jsonl", part)
        manifest["splits"][split] = {"file": f"{split}.jsonl", "records": len(part), "sha256": digest}
        print(f"{split}: {len(part)} records")
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The tagger: spaCy pipelines (Japanese through SudachiPy, English) with textcat_multilabel components, the rule
layer and the thresholds tuned on the dev split, loaded once from the model shipped inside the package.

spaCy is imported only when a ``Tagger`` is built, so importing ``tracker`` stays light.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from tracker.tagger.dates import extract_dates
from tracker.tagger.labels import DEPARTMENTS, TOPICS
from tracker.tagger.rules import WEAK, build_matcher, rule_hits

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).parent / "model"
LANGS = ("ja", "en")
# Without tuned thresholds (a model being built) a label needs this score, or a rule hit.
DEFAULT_MODEL_THRESHOLD = 0.5
DEFAULT_RULE_THRESHOLD = 0.0
DEFAULT_RELEVANCE_THRESHOLD = 0.5
# The extra category the model learns: "this text concerns some department" (the complement of none).
RELEVANT = "relevant"


@dataclass
class TagResult:
    """What the tagger says about one text."""

    departments: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # label → "model" | "rule"
    effective_on: Optional[dt.date] = None
    deadline_on: Optional[dt.date] = None
    language: str = "ja"

    def to_json(self, text: Optional[str] = None) -> dict:
        """The object ``kaisei tag`` prints for one line."""
        data: dict = {} if text is None else {"text": text}
        data.update(
            departments=self.departments,
            topics=self.topics,
            effective_on=self.effective_on.isoformat() if self.effective_on else None,
            deadline_on=self.deadline_on.isoformat() if self.deadline_on else None,
            reasons=self.reasons,
            scores={k: round(v, 4) for k, v in self.scores.items() if k in self.reasons},
        )
        return data


def detect_language(text: str) -> str:
    """'ja' when kana/kanji make up a real share of the letters, else 'en'."""
    cjk = latin = 0
    for ch in text[:2000]:
        code = ord(ch)
        if 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xFF66 <= code <= 0xFF9F:
            cjk += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if cjk == 0:
        return "en"
    # One kana/kanji carries about as much as a short English word (~8 letters): 'ja' unless Latin text dominates,
    # so 「e-Gov電子申請のAPI仕様」 is Japanese and an English headline quoting one 漢字 term is English.
    return "ja" if cjk * 8 >= latin else "en"


@dataclass
class _Lang:
    nlp: object
    matcher: object
    table: dict[str, tuple[str, ...]]
    has_model: bool


class Tagger:
    """Loads the pipelines once; ``tag`` and ``tag_many`` give a ``TagResult`` per text."""

    def __init__(self, model_dir: Optional[Path] = None, *, departments: Optional[Sequence[str]] = None) -> None:
        import spacy

        self.model_dir = Path(model_dir) if model_dir else MODEL_DIR
        # Only configured departments can be assigned; the model knows the five defaults.
        self.departments = tuple(departments) if departments else DEPARTMENTS
        self._langs: dict[str, _Lang] = {}
        for lang in LANGS:
            path = self.model_dir / lang
            if (path / "config.cfg").exists():
                nlp = spacy.load(path)
                has_model = any(name.startswith("textcat") for name in nlp.pipe_names)
            else:
                log.warning("no trained %s pipeline in %s: tagging with the rule lexicons only", lang, self.model_dir)
                nlp = spacy.blank(lang)
                has_model = False
            matcher, table = build_matcher(nlp, lang)
            self._langs[lang] = _Lang(nlp=nlp, matcher=matcher, table=table, has_model=has_model)
        self.thresholds = self._load_thresholds()
        self.version = self._load_version()
        # SudachiPy's tokenizer may not be used by two threads at once (the crawl tags on its database thread
        # while a command may tag on another): one pipeline, one user at a time.
        self._busy = threading.Lock()

    def _load_thresholds(self) -> dict[str, dict[str, float]]:
        path = self.model_dir / "thresholds.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
        return {"model": {}, "rule": {}, "relevant": DEFAULT_RELEVANCE_THRESHOLD}

    def _load_version(self) -> str:
        path = self.model_dir / "meta.json"
        if path.exists():
            return str(json.loads(path.read_text(encoding="utf-8")).get("version", "unknown"))
        return "rules-only"

    @property
    def relevance_threshold(self) -> float:
        return float(self.thresholds.get("relevant", DEFAULT_RELEVANCE_THRESHOLD))

    @property
    def relevance_rule_threshold(self) -> float:
        return float(self.thresholds.get("relevant_rule", self.relevance_threshold))

    def threshold(self, label: str, *, rule: bool, weak: bool = False) -> float:
        """The score a label needs: alone (``rule=False``), with a topic lexicon hit, or with a broad word (``weak``)."""
        if weak:
            weak_table = self.thresholds.get("weak", {})
            if label in weak_table:
                return float(weak_table[label])
        table = self.thresholds.get("rule" if rule else "model", {})
        default = DEFAULT_RULE_THRESHOLD if rule else DEFAULT_MODEL_THRESHOLD
        return float(table.get(label, default))

    def tag(self, text: str, *, published: Optional[dt.date] = None) -> TagResult:
        """Tag one text (title, summary and body joined)."""
        return self.tag_many([text], published=[published])[0]

    def tag_many(self, texts: Iterable[str], *, batch_size: int = 256,
                 published: Optional[Sequence[Optional[dt.date]]] = None) -> list[TagResult]:
        """Tag many texts with ``nlp.pipe``, in the order given."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        published = list(published) if published is not None else [None] * len(texts)
        results: list[TagResult] = [TagResult(language=detect_language(t)) for t in texts]
        for lang, indexes, docs in self._docs(texts, batch_size):
            state = self._langs[lang]
            for i, doc in zip(indexes, docs):
                results[i] = self._decide(doc, state, lang, texts[i], published[i])
        return results

    def _docs(self, texts: Sequence[str], batch_size: int):
        """(lang, indexes, docs) per language; blank texts are left out (an empty doc has nothing to score)."""
        by_lang: dict[str, list[int]] = {lang: [] for lang in LANGS}
        for i, text in enumerate(texts):
            if text.strip():
                by_lang[detect_language(text)].append(i)
        for lang, indexes in by_lang.items():
            if indexes:
                yield lang, indexes, self._pipe(self._langs[lang].nlp, [_clip(texts[i]) for i in indexes], batch_size)

    def _pipe(self, nlp, texts: list[str], batch_size: int) -> list:
        try:
            with self._busy:
                return list(nlp.pipe(texts, batch_size=batch_size))
        except (IndexError, ValueError) as exc:
            # One odd text must not cost the batch: redo it one by one, an unreadable text scores nothing.
            log.warning("tagger batch failed (%s); tagging its %d texts one by one", exc, len(texts))
            docs = []
            with self._busy:
                for text in texts:
                    try:
                        docs.append(nlp(text))
                    except (IndexError, ValueError):
                        log.warning("tagger could not read a text of %d characters", len(text))
                        docs.append(nlp.make_doc(""))
            return docs

    def iter_tag(self, texts: Iterable[str], *, batch_size: int = 256,
                 published: Optional[dt.date] = None) -> Iterable[tuple[str, TagResult]]:
        """Stream (text, result) pairs, holding at most ``batch_size`` texts at a time (``kaisei tag``)."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from zip(batch, self.tag_many(batch, batch_size=batch_size, published=[published] * len(batch)))
                batch = []
        if batch:
            yield from zip(batch, self.tag_many(batch, batch_size=batch_size, published=[published] * len(batch)))

    def scores(self, texts: Sequence[str], *, batch_size: int = 256) -> list[tuple[dict[str, float], dict[str, list[str]]]]:
        """Raw model scores and rule hits per label (for threshold tuning and evaluation)."""
        out: list = [({}, {}) for _ in texts]
        for lang, indexes, docs in self._docs(texts, batch_size):
            for i, doc in zip(indexes, docs):
                out[i] = (dict(doc.cats), _hits_by_label(doc, self._langs[lang]))
        return out

    def decide(self, cats: dict[str, float], hits: dict[str, list[str]], *, has_model: bool = True,
               lang: str = "ja") -> TagResult:
        """Apply the thresholds to scores and rule hits: which labels are given, and why.

        A label passes on its model score, or on a rule hit with a (lower) score; departments are then gated by
        the model's "relevant" score (any department at all), and a relevant text whose departments all fell
        short gets its best-scoring one. A text with no department gets no topic either.
        """
        result = TagResult()
        joiner = "、" if lang == "ja" else ", "
        passed: dict[str, tuple[str, str]] = {}
        for label in (*self.departments, *TOPICS):
            if label not in DEPARTMENTS and label not in TOPICS:
                continue
            score = float(cats.get(label, 0.0))
            phrases = hits.get(label, [])
            weak = hits.get(WEAK + label, [])
            if phrases and (not has_model or score >= self.threshold(label, rule=True)):
                passed[label] = ("rule", "rule: " + joiner.join(phrases[:3]))
            elif weak and (not has_model or score >= self.threshold(label, rule=True, weak=True)):
                passed[label] = ("rule", "rule: " + joiner.join(weak[:3]))
            elif has_model and score >= self.threshold(label, rule=False):
                passed[label] = ("model", f"model: {score:.2f}")
        departments = [d for d in self.departments if d in passed]
        if has_model and RELEVANT in cats:
            relevant = float(cats[RELEVANT])
            # A law or procedure named by the topic lexicons is evidence of relevance: its gate may be lower.
            topic_hit = any(label in TOPICS for label in hits)
            if relevant < (self.relevance_rule_threshold if topic_hit else self.relevance_threshold):
                departments = []
            elif not departments:
                known = [d for d in self.departments if d in DEPARTMENTS]
                if known:
                    best = max(known, key=lambda d: cats.get(d, 0.0) / max(self.threshold(d, rule=False), 1e-6))
                    departments = [best]
                    passed[best] = ("model", f"model: {cats.get(best, 0.0):.2f} (relevant: {relevant:.2f})")
        topics = [t for t in TOPICS if t in passed] if departments else []
        for label in (*departments, *topics):
            origin, reason = passed[label]
            result.origins[label] = origin
            result.reasons[label] = reason
            result.scores[label] = float(cats.get(label, 0.0)) if has_model else 1.0
        result.departments, result.topics = departments, topics
        return result

    def _decide(self, doc, state: _Lang, lang: str, text: str, published: Optional[dt.date]) -> TagResult:
        result = self.decide(dict(doc.cats), _hits_by_label(doc, state), has_model=state.has_model, lang=lang)
        result.language = lang
        result.effective_on, result.deadline_on = extract_dates(text, published=published)
        return result


_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def model_text(text: str) -> str:
    """What the model and the lexicons read: NFKC, every run of digits as 0 (dates and 第N回 say nothing about
    departments), whitespace runs as one space."""
    return _SPACE.sub(" ", _DIGITS.sub("0", unicodedata.normalize("NFKC", text))).strip()


def _clip(text: str, limit: int = 4000) -> str:
    # Headlines and lead paragraphs carry the labels; a huge body would only slow the tokenizer down.
    return model_text(text[:limit])


def _hits_by_label(doc, state: _Lang) -> dict[str, list[str]]:
    by_label: dict[str, list[str]] = {}
    for hit in rule_hits(doc, state.matcher, state.table):
        for label in hit.labels:
            by_label.setdefault(label, []).append(hit.phrase)
    return by_label


_LOCK = threading.Lock()
_CACHE: dict[tuple, Tagger] = {}


def get_tagger(departments: Optional[Sequence[str]] = None) -> Tagger:
    """The process-wide tagger (loaded on first use) for the given departments."""
    key = tuple(departments) if departments else DEPARTMENTS
    with _LOCK:
        tagger = _CACHE.get(key)
        if tagger is None:
            tagger = _CACHE[key] = Tagger(departments=key)
        return tagger

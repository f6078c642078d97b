"""Evaluation of the tagger on a labelled split: per-label precision/recall/F1, micro and macro F1, relevance
(none vs some department) accuracy, and how often the extracted 施行日 / 締切 are exactly right.

``kaisei tagger eval [--split test|dev|holdout]`` prints ``format_report(evaluate(...))``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from tracker.tagger.labels import DEPARTMENTS, TOPICS

log = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).parent / "corpus"
SPLIT_FILES = {"train": "train.jsonl", "dev": "dev.jsonl", "test": "test.jsonl", "holdout": "holdout.jsonl"}


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class Report:
    """Figures of one evaluation run."""

    split: str
    n: int
    labels: dict[str, LabelScore] = field(default_factory=dict)
    relevance_correct: int = 0
    dates: dict[str, list[int]] = field(default_factory=dict)  # kind → [correct, total]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def micro(self, names: Iterable[str]) -> float:
        total = LabelScore()
        for name in names:
            s = self.labels[name]
            total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        return total.f1

    def macro(self, names: Iterable[str]) -> float:
        scored = [self.labels[n].f1 for n in names if self.labels[n].support or self.labels[n].fp]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def relevance_accuracy(self) -> float:
        return self.relevance_correct / self.n if self.n else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "split": self.split, "n": self.n,
            "department_micro_f1": round(self.micro(DEPARTMENTS), 4),
            "department_macro_f1": round(self.macro(DEPARTMENTS), 4),
            "topic_micro_f1": round(self.micro(TOPICS), 4),
            "topic_macro_f1": round(self.macro(TOPICS), 4),
            "relevance_accuracy": round(self.relevance_accuracy, 4),
            "dates": {k: {"correct": c, "total": t} for k, (c, t) in self.dates.items()},
        }


def load_split(name: str, corpus_dir: Optional[Path] = None) -> list[dict[str, Any]]:
    """The records of a split file (train, dev, test or holdout)."""
    if name not in SPLIT_FILES:
        raise ValueError(f"unknown split {name!r} (use one of {', '.join(SPLIT_FILES)})")
    path = (corpus_dir or CORPUS_DIR) / SPLIT_FILES[name]
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(tagger, records: list[dict[str, Any]], *, split: str = "test") -> Report:
    """Tag every record's text and compare with its labels."""
    report = Report(split=split, n=len(records), labels={n: LabelScore() for n in (*DEPARTMENTS, *TOPICS)})
    report.dates = {"effective_on": [0, 0], "deadline_on": [0, 0]}
    published = [dt.date.fromisoformat(r["published"]) if r.get("published") else None for r in records]
    results = tagger.tag_many([r["text"] for r in records], published=published)
    for record, result in zip(records, results):
        gold = set(record["departments"]) | set(record["topics"])
        pred = set(result.departments) | set(result.topics)
        for name in report.labels:
            if name in gold and name in pred:
                report.labels[name].tp += 1
            elif name in pred:
                report.labels[name].fp += 1
            elif name in gold:
                report.labels[name].fn += 1
        if bool(record["departments"]) == bool(result.departments):
            report.relevance_correct += 1
        if set(record["departments"]) != set(result.departments):
            report.errors.append({"text": record["text"][:120], "gold": sorted(record["departments"]),
                                  "pred": sorted(result.departments)})
        for kind in ("effective_on", "deadline_on"):
            if kind not in record:
                continue
            got = getattr(result, kind)
            want = record[kind]
            report.dates[kind][1] += 1
            if (got.isoformat() if got else None) == want:
                report.dates[kind][0] += 1
    return report


def format_report(report: Report, *, show_errors: int = 0) -> str:
    """The table ``kaisei tagger eval`` prints."""
    lines = [f"split: {report.split} ({report.n} texts)", "",
             f"{'label':<26}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}"]
    for group, names in (("departments", DEPARTMENTS), ("topics", tuple(TOPICS))):
        lines.append(f"-- {group}")
        for name in names:
            s = report.labels[name]
            lines.append(f"{name:<26}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.support:>9d}")
        lines.append(f"{'micro F1':<26}{'':>14}{report.micro(names):>7.3f}")
        lines.append(f"{'macro F1':<26}{'':>14}{report.macro(names):>7.3f}")
    lines.append("")
    lines.append(f"relevance accuracy (none vs some department): {report.relevance_accuracy:.3f}")
    for kind, (correct, total) in report.dates.items():
        if total:
            lines.append(f"{kind} exact: {correct}/{total} = {correct / total:.3f}")
    if show_errors and report.errors:
        lines.append("")
        lines.append(f"department errors (first {show_errors} of {len(report.errors)}):")
        for err in report.errors[:show_errors]:
            lines.append(f"  gold={','.join(err['gold']) or 'none'} pred={','.join(err['pred']) or 'none'}  {err['text']}")
    return "\n".join(lines)

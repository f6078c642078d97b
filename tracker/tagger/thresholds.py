"""Thresholds per label, tuned on the dev split: one for the model's score alone, a lower one (possibly zero)
when a rule lexicon phrase for the label is in the text. Both maximise the label's F1 on dev."""

from __future__ import annotations

from typing import Any

from tracker.tagger.labels import DEPARTMENTS, TOPICS

GRID = [round(0.02 * i, 2) for i in range(1, 50)]  # 0.02 … 0.98
RULE_GRID = [0.0] + GRID


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tune(scored: list[tuple[dict[str, float], dict[str, list[str]]]], gold: list[set[str]]) -> dict[str, dict[str, float]]:
    """Per label: (model threshold, rule threshold) that maximise F1 over ``scored`` (cats, rule hits) vs ``gold``.

    Ties go to the higher threshold (fewer false alarms: a person's queue is precious). A label never seen on dev
    keeps 0.5 / 0.5.
    """
    model: dict[str, float] = {}
    rule: dict[str, float] = {}
    for label in (*DEPARTMENTS, *TOPICS):
        rows = [(cats.get(label, 0.0), bool(hits.get(label)), label in g) for (cats, hits), g in zip(scored, gold)]
        if not any(is_gold for _, _, is_gold in rows):
            model[label], rule[label] = 0.5, 0.5
            continue
        best: tuple[float, float, float] = (-1.0, 0.5, 0.5)
        for t_model in GRID:
            for t_rule in RULE_GRID:
                if t_rule > t_model:
                    break
                tp = fp = fn = 0
                for score, hit, is_gold in rows:
                    pred = score >= t_model or (hit and score >= t_rule)
                    tp += pred and is_gold
                    fp += pred and not is_gold
                    fn += (not pred) and is_gold
                f1 = _f1(tp, fp, fn)
                if f1 >= best[0]:
                    best = (f1, t_model, t_rule)
        model[label], rule[label] = best[1], best[2]
    return {"model": model, "rule": rule}


def describe(thresholds: dict[str, Any]) -> str:
    return ", ".join(f"{k}={thresholds['model'][k]:.2f}/{thresholds['rule'][k]:.2f}" for k in thresholds["model"])


def tune_relevance(tagger, scored: list[tuple[dict[str, float], dict[str, list[str]]]],
                   gold_departments: list[list[str]]) -> float:
    """The "relevant" gate that maximises department micro-F1 (ties: relevance accuracy) with the label
    thresholds already set on ``tagger``; 0 switches the gate off."""
    best = (-1.0, -1.0, 0.0)
    for gate in [0.0] + GRID:
        tagger.thresholds["relevant"] = gate
        key = (*_department_f1(tagger, scored, gold_departments), gate)
        if key[:2] >= best[:2]:
            best = key
    return best[2]


def _department_f1(tagger, scored, gold_departments) -> tuple[float, float]:
    tp = fp = fn = right = 0
    for (cats, hits), gold in zip(scored, gold_departments):
        pred = set(tagger.decide(cats, hits).departments)
        want = set(gold)
        tp, fp, fn = tp + len(pred & want), fp + len(pred - want), fn + len(want - pred)
        right += bool(pred) == bool(want)
    return _f1(tp, fp, fn), right / max(len(scored), 1)


def refine_departments(tagger, scored, gold_departments, *, rounds: int = 2) -> dict[str, Any]:
    """Coordinate ascent on the department thresholds and the relevance gate together, scored by department
    micro-F1 of the full decision (gate, rules, fallback) — the per-label tuning sees each label alone."""
    coarse = [round(0.05 * i, 2) for i in range(1, 20)]
    th = tagger.thresholds
    best = _department_f1(tagger, scored, gold_departments)
    for _ in range(rounds):
        for label in DEPARTMENTS:
            for t_model in coarse:
                for t_rule in [0.0] + [t for t in coarse if t <= t_model]:
                    old = th["model"][label], th["rule"][label]
                    th["model"][label], th["rule"][label] = t_model, t_rule
                    score = _department_f1(tagger, scored, gold_departments)
                    if score > best:
                        best = score
                    else:
                        th["model"][label], th["rule"][label] = old
        th.setdefault("weak", {})
        for label in DEPARTMENTS:
            th["weak"].setdefault(label, th["rule"][label])
            for t_weak in [0.0] + coarse:
                old = th["weak"][label]
                th["weak"][label] = t_weak
                score = _department_f1(tagger, scored, gold_departments)
                if score > best:
                    best = score
                else:
                    th["weak"][label] = old
        th.setdefault("relevant_rule", th["relevant"])
        for key in ("relevant", "relevant_rule"):
            for gate in [0.0] + coarse:
                old_gate = th[key]
                th[key] = gate
                score = _department_f1(tagger, scored, gold_departments)
                if score > best:
                    best = score
                else:
                    th[key] = old_gate
    return th

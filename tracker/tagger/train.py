"""Build the tagger's pipelines from the corpus: ``make model`` runs ``python -m tracker.tagger.train``.

The recipe (spaCy projects style): frozen corpus splits (JSONL) → DocBin per language → ``spacy train`` with
``configs/<lang>.cfg`` → thresholds tuned on dev → the pipelines, ``thresholds.json``, ``meta.json`` and
``metrics.json`` (dev, test and holdout figures) written to ``tracker/tagger/model/``. The shipped model is only
ever produced by this script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

from tracker.tagger.corpus.generate import SUPPLEMENT_FILE, read_jsonl
from tracker.tagger.evaluate import CORPUS_DIR, evaluate, format_report, load_split
from tracker.tagger.labels import DEPARTMENTS, TOPICS
from tracker.tagger.pipeline import RELEVANT, model_text

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).parent
CONFIG_DIR = PACKAGE_DIR / "configs"
MODEL_DIR = PACKAGE_DIR / "model"
LANGS = ("ja", "en")


def check_manifest(corpus_dir: Path = CORPUS_DIR) -> dict[str, Any]:
    """Raise when a frozen split file no longer matches the checksum it was frozen with."""
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    for split, info in manifest["splits"].items():
        digest = hashlib.sha256((corpus_dir / info["file"]).read_bytes()).hexdigest()
        if digest != info["sha256"]:
            raise RuntimeError(f"{info['file']} changed since the split was frozen (manifest.json)")
    return manifest


def to_docbin(nlp, records: list[dict[str, Any]], path: Path) -> int:
    """Write ``records`` as a DocBin with every label's category set (1.0 given, 0.0 not)."""
    from spacy.tokens import DocBin

    db = DocBin()
    for record, doc in zip(records, nlp.pipe(model_text(r["text"]) for r in records)):
        gold = set(record["departments"]) | set(record["topics"])
        doc.cats = {label: float(label in gold) for label in (*DEPARTMENTS, *TOPICS)}
        doc.cats[RELEVANT] = float(bool(record["departments"]))
        db.add(doc)
    db.to_disk(path)
    return len(records)


def train_language(lang: str, train: list[dict], dev: list[dict], work: Path, out: Path,
                   overrides: Optional[dict[str, Any]] = None, config_dir: Path = CONFIG_DIR) -> float:
    """Train one language's pipeline into ``out``; returns seconds taken."""
    import spacy
    from spacy.cli.train import train as spacy_train

    start = time.perf_counter()
    blank = spacy.blank(lang)
    train_path, dev_path = work / f"{lang}-train.spacy", work / f"{lang}-dev.spacy"
    to_docbin(blank, train, train_path)
    to_docbin(blank, dev, dev_path)
    output = work / f"{lang}-output"
    spacy_train(config_dir / f"{lang}.cfg", output, use_gpu=-1,
                overrides={"paths.train": str(train_path), "paths.dev": str(dev_path), **(overrides or {})})
    # model-last: the epoch count is fixed in the config, and thresholds are tuned afterwards on the same dev split.
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(output / "model-last", out)
    # The scratch paths of this run say nothing about the model: keep the shipped config the same from run to run.
    config = (out / "config.cfg").read_text(encoding="utf-8")
    config = re.sub(r'^(train|dev) = ".*"$', r"\1 = null", config, flags=re.M)
    (out / "config.cfg").write_text(config, encoding="utf-8")
    return time.perf_counter() - start


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Train the tagger's spaCy pipelines from the frozen corpus splits.")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="where the model is written")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--configs", type=Path, default=CONFIG_DIR, help="folder of <lang>.cfg files (experiments)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value, e.g. components.textcat.model.ngram_size=1 (experiments)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value) if value[:1] in "0123456789-[{tfn\"" else value
    manifest = check_manifest()
    splits = {name: load_split(name) for name in ("train", "dev", "test")}
    # Records added after the split was frozen (corpus/generate.py) train only; dev and test stay as frozen.
    supplement_path = CORPUS_DIR / SUPPLEMENT_FILE
    if supplement_path.exists():
        splits["train"] = splits["train"] + read_jsonl(supplement_path)
    holdout_path = CORPUS_DIR / "holdout.jsonl"
    if holdout_path.exists():
        splits["holdout"] = load_split("holdout")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for lang in LANGS:
            train = [r for r in splits["train"] if r["lang"] == lang]
            dev = [r for r in splits["dev"] if r["lang"] == lang]
            log.info("training %s on %d texts (dev %d)", lang, len(train), len(dev))
            timings[lang] = round(train_language(lang, train, dev, work, out / lang, overrides, args.configs), 1)

    from tracker.tagger.pipeline import Tagger
    from tracker.tagger.thresholds import refine_departments, tune, tune_relevance

    corpus_hash = hashlib.sha256(json.dumps(manifest["splits"], sort_keys=True).encode()).hexdigest()[:10]
    meta = {"version": f"{dt.date.today():%Y.%m.%d}-{corpus_hash}", "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "corpus": manifest["splits"], "train_seconds": timings, "labels": {"departments": list(DEPARTMENTS),
                                                                              "topics": list(TOPICS)}}
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # Untuned first: the raw scores are what the thresholds are tuned on.
    thresholds_path = out / "thresholds.json"
    if thresholds_path.exists():
        thresholds_path.unlink()
    tagger = Tagger(out)
    dev = splits["dev"]
    scored = tagger.scores([r["text"] for r in dev])
    gold = [set(r["departments"]) | set(r["topics"]) for r in dev]
    thresholds = tune(scored, gold)
    tagger.thresholds = thresholds
    thresholds["relevant"] = tune_relevance(tagger, scored, [r["departments"] for r in dev])
    thresholds = refine_departments(tagger, scored, [r["departments"] for r in dev])
    thresholds_path.write_text(json.dumps(thresholds, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tagger = Tagger(out)
    metrics: dict[str, Any] = {}
    for name, records in splits.items():
        if name == "train":
            continue
        report = evaluate(tagger, records, split=name)
        metrics[name] = report.summary()
        print(format_report(report))
        print()
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"model written to {out} ({size / 1e6:.1f} MB), version {meta['version']}, training {timings}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tagger throughput on one core: the whole tagger vs tokenization alone, on the same 5,000 texts.

    python bench/tagger.py [--texts 5000]

Prints lines/s of ``Tagger.tag_many`` (Sudachi tokenization + textcat + rule matcher + date extraction) and of a
blank Japanese/English pipeline's tokenizer over the same texts (the baseline measured in the same run), their
ratio (target >= 0.5), the tagger's load time and its memory (RSS growth and peak). Texts are the corpus texts,
cycled, so the mix of languages and lengths is the corpus's.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _one_core() -> None:
    # One core: pin the process and keep numpy/BLAS single-threaded.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        except OSError:
            pass


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    _one_core()

    from tracker.tagger.evaluate import load_split

    records = load_split("train") + load_split("dev") + load_split("test")
    texts = [records[i % len(records)]["text"] for i in range(args.texts)]
    rss_before = _rss_mb()

    import spacy

    from tracker.tagger.pipeline import Tagger, detect_language

    start = time.perf_counter()
    tagger = Tagger()
    load_s = time.perf_counter() - start
    rss_loaded = _rss_mb()

    # Baseline: tokenization alone with blank pipelines, same language routing, same texts.
    blank = {"ja": spacy.blank("ja"), "en": spacy.blank("en")}
    by_lang = {"ja": [t for t in texts if detect_language(t) == "ja"], "en": [t for t in texts if detect_language(t) == "en"]}
    for nlp in blank.values():  # warm-up
        list(nlp.pipe(texts[:50]))
    tagger.tag_many(texts[:50])

    start = time.perf_counter()
    for lang, part in by_lang.items():
        for _ in blank[lang].pipe(part, batch_size=args.batch_size):
            pass
    tok_s = time.perf_counter() - start

    start = time.perf_counter()
    results = tagger.tag_many(texts, batch_size=args.batch_size)
    tag_s = time.perf_counter() - start
    assert len(results) == len(texts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tok_rate = len(texts) / tok_s
    tag_rate = len(texts) / tag_s
    print(f"texts: {len(texts)} ({len(by_lang['ja'])} ja, {len(by_lang['en'])} en), one core")
    print(f"tokenization alone (blank pipelines): {tok_rate:,.0f} lines/s")
    print(f"whole tagger (textcat + rules + dates): {tag_rate:,.0f} lines/s")
    print(f"ratio tagger / tokenization: {tag_rate / tok_rate:.2f} (target >= 0.5)")
    print(f"tagger load time: {load_s:.2f} s")
    print(f"memory: RSS {rss_before:.0f} MB before, {rss_loaded:.0f} MB after loading (+{rss_loaded - rss_before:.0f} MB), "
          f"peak {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

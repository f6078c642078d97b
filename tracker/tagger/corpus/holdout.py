"""Convert the hand-written holdout (``holdout.txt``) to ``holdout.jsonl`` — same record shape as the splits.

    python -m tracker.tagger.corpus.holdout
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tracker.tagger.labels import DEPARTMENTS, TOPICS

HERE = Path(__file__).parent


def parse(path: Path = HERE / "holdout.txt") -> list[dict]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        deps, topics, published, effective, deadline, text = line.split("|", 5)
        record = {
            "id": f"h{len(records):04d}", "text": text.strip(),
            "lang": "en" if text.isascii() else "ja",
            "departments": sorted(d for d in deps.split(",") if d), "topics": sorted(t for t in topics.split(",") if t),
            "published": published or None, "effective_on": effective or None, "deadline_on": deadline or None,
            "group": f"holdout:{number}", "category": "relevant" if deps else "none",
        }
        unknown = [x for x in record["departments"] if x not in DEPARTMENTS] + [x for x in record["topics"] if x not in TOPICS]
        if unknown:
            raise ValueError(f"{path.name}:{number}: unknown labels {unknown}")
        records.append(record)
    return records


def main() -> int:
    records = parse()
    with open(HERE / "holdout.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    none = sum(1 for r in records if not r["departments"])
    print(f"holdout: {len(records)} records, none {none}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

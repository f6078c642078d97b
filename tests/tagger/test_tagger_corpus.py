"""The corpus: big enough, mostly none, every label covered, the split frozen, the generator reproducible."""

import collections
import hashlib
import json

import pytest

from tracker.tagger.corpus import generate as gen
from tracker.tagger.corpus import holdout
from tracker.tagger.evaluate import CORPUS_DIR, load_split
from tracker.tagger.labels import DEPARTMENTS, TOPICS


@pytest.fixture(scope="module")
def splits():
    return {name: load_split(name) for name in ("train", "dev", "test")}


def test_corpus_size_and_languages(splits):
    records = [r for part in splits.values() for r in part]
    langs = collections.Counter(r["lang"] for r in records)
    assert langs["ja"] >= 2000 and langs["en"] >= 200
    none_share = sum(1 for r in records if not r["departments"]) / len(records)
    assert 0.70 <= none_share <= 0.80


def test_every_label_in_every_split(splits):
    for name, part in splits.items():
        seen = collections.Counter(label for r in part for label in r["departments"] + r["topics"])
        missing = [label for label in (*DEPARTMENTS, *TOPICS) if not seen[label]]
        assert not missing, (name, missing)


def test_splits_share_no_subject_and_no_text(splits):
    groups = {name: {r["group"] for r in part} for name, part in splits.items()}
    texts = {name: {r["text"] for r in part} for name, part in splits.items()}
    assert not groups["train"] & groups["test"] and not groups["train"] & groups["dev"]
    assert not texts["train"] & texts["test"]


def test_split_files_are_frozen():
    manifest = json.loads((CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))
    for info in manifest["splits"].values():
        assert hashlib.sha256((CORPUS_DIR / info["file"]).read_bytes()).hexdigest() == info["sha256"], info["file"]


def test_generator_is_reproducible():
    shipped = gen.read_jsonl(CORPUS_DIR / "generated.jsonl")
    assert gen.generate() == shipped


def test_split_files_are_the_generated_records(splits):
    shipped = {r["id"]: r for r in gen.read_jsonl(CORPUS_DIR / "generated.jsonl")}
    for part in splits.values():
        for record in part:
            assert shipped[record["id"]] == record


def test_labels_follow_the_scheme(splits):
    for part in splits.values():
        for r in part:
            assert set(r["departments"]) <= set(DEPARTMENTS) and set(r["topics"]) <= set(TOPICS)
            if not r["departments"]:
                assert not r["topics"]  # none means none


def test_holdout_is_hand_written_and_converted():
    records = holdout.parse()
    assert len(records) >= 140
    assert records == load_split("holdout")
    generated = {r["text"] for r in gen.read_jsonl(CORPUS_DIR / "generated.jsonl")}
    assert not generated & {r["text"] for r in records}


def test_train_only_supplement_is_reproducible_and_leaves_the_split_alone(splits):
    shipped = gen.read_jsonl(CORPUS_DIR / gen.SUPPLEMENT_FILE)
    assert gen.generate_supplement() == shipped
    texts = {r["text"] for part in splits.values() for r in part}
    assert not texts & {r["text"] for r in shipped}  # never a dev/test text, never a duplicate
    assert not {r["group"] for r in shipped} & {r["group"] for part in (splits["dev"], splits["test"]) for r in part}
    for r in shipped:
        assert set(r["departments"]) <= set(DEPARTMENTS) and set(r["topics"]) <= set(TOPICS)
        assert bool(r["departments"]) == bool(r["topics"])
    none_share = sum(1 for r in shipped if not r["departments"]) / len(shipped)
    assert 0.65 <= none_share <= 0.85


def test_supplement_labels_law_names_by_the_law_not_by_the_frame():
    shipped = gen.read_jsonl(CORPUS_DIR / gen.SUPPLEMENT_FILE)
    by_law = collections.defaultdict(set)
    for r in shipped:
        if r["group"].startswith("ja:law:"):
            by_law[r["group"].rsplit(":", 1)[1]].add(tuple(r["departments"]))
    assert by_law["漁業調整規則"] == {()} and by_law["学校教育法施行規則"] == {()} and by_law["自衛隊法"] == {()}
    assert by_law["法人税法"] == {("accounting",)} and by_law["労働基準法"] == {("hr",)}
    assert by_law["所得税法"] == {("accounting", "hr")} and by_law["会社法"] == {("legal",)}

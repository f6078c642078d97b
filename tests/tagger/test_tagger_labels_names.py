"""Every topic has a short Japanese and English name for the TUI and lists."""

from tracker.tagger.labels import TOPIC_NAMES, TOPICS, topic_name


def test_every_topic_has_names():
    assert set(TOPIC_NAMES) == set(TOPICS)
    assert topic_name("privacy", "ja") == "個人情報保護"
    assert topic_name("privacy", "en") == "Privacy"
    assert topic_name("unknown_label", "ja") == "unknown_label"

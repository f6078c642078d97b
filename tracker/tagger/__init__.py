"""The tagger: departments, topics, 施行日 and deadlines of an update (spaCy + rule lexicons).

Importing this package does not import spaCy; building a ``Tagger`` (``get_tagger()``) does.
"""

from tracker.tagger.labels import DEPARTMENTS, TOPICS
from tracker.tagger.pipeline import TagResult, Tagger, detect_language, get_tagger

__all__ = ["DEPARTMENTS", "TOPICS", "TagResult", "Tagger", "detect_language", "get_tagger"]

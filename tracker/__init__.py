"""kaisei's domain: models, store, tagger, dates, digest, mailer, service, config and CLI.

Nothing here imports textual, tui or scrapy at module level (tests/test_imports.py checks it).
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/kaisei-project/kaisei"
USER_AGENT = f"kaisei/{__version__} (+{PROJECT_URL})"

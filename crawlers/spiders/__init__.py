"""Spiders: thin, they fetch and hand bodies to ``crawlers.parsers``; cleaning and storing are pipelines."""

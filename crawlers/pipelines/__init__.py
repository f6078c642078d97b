"""Item pipelines, one class per module, run in the order of ``crawlers.settings.ITEM_PIPELINES``.

Each works on a whole ``SourceBatch`` (one source's items): normalize → drop invalid → drop duplicates → store
(one transaction per source) → tag. Oddities are counted in the crawler's stats, never raised.
"""

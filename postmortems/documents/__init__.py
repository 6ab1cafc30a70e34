"""Postmortems as Markdown documents: export in the guide's shape, import what teams keep.

One small module per concern, on a real Markdown parser (markdown-it-py): ``tree`` (blocks
with line numbers), ``sections`` (headings by meaning), ``meta`` (title, date, duration,
severity), ``timeline`` (also the paste box's line parser), ``whys``, ``impact``, ``actions``,
``quick``, ``numbers`` (amounts, counts, dates, range checks); ``importer`` puts them
together, ``batch`` imports many files, ``export`` writes the guide's shape.
"""

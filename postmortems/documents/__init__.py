"""Postmortems as Markdown documents: export in the guide's shape, import what teams keep.

One small module per concern; the importer, the timeline paste box and the batch import share
them.
"""

# The incident search (Incident.objects.search) reads GIN indexes on the very expressions it
# matches (incident_search_document, why_search_document), instead of computing to_tsvector
# over every incident and every why (10,000 incidents, 50,000 whys: ~800 ms a search).
# PostgreSQL only, like 0008 and 0010: built by Django from the same expressions, so the
# planner sees the query's expression in the index.

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "incident": GinIndex(SearchVector("title", weight="A", config="english")
                         + SearchVector("summary", weight="B", config="english"),
                         name="postmortems_incident_search"),
    "why": GinIndex(SearchVector("question", "answer", config="english"),
                    name="postmortems_why_search"),
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in INDEXES.items():
        schema_editor.add_index(apps.get_model("postmortems", model), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in INDEXES.items():
        schema_editor.remove_index(apps.get_model("postmortems", model), index)


class Migration(migrations.Migration):

    dependencies = [
        ("postmortems", "0014_trash"),
    ]

    operations = [
        migrations.RunPython(add_indexes, remove_indexes),
    ]

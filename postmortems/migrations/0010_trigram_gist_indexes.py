# Recurring causes: trigram GiST indexes instead of GIN. GiST answers "the N nearest texts"
# (ORDER BY text <-> 'cause' LIMIT N) by walking the index in distance order, so finding a
# cause's closest matches reads a few dozen rows even when thousands share common trigrams;
# GIN had to recheck every row sharing a trigram. PostgreSQL only, like 0008.

from django.db import migrations

GIN = ["postmortems_why_answer_trgm", "postmortems_pm_root_cause_trgm",
       "postmortems_factor_text_trgm"]
GIST_INDEXES = [
    ("postmortems_why_answer_gist", "postmortems_why", "answer",
     "WHERE is_root_cause AND answer <> ''"),
    ("postmortems_pm_root_cause_gist", "postmortems_postmortem", "root_cause_sentence",
     "WHERE root_cause_sentence <> ''"),
    ("postmortems_factor_text_gist", "postmortems_contributingfactor", "text", ""),
]


def to_gist(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, table, column, where in GIST_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                              f"USING gist ({column} gist_trgm_ops) {where}")


def to_gin(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column, where in GIST_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name.replace('_gist', '_trgm')} "
                              f"ON {table} USING gin ({column} gin_trgm_ops) {where}")


class Migration(migrations.Migration):

    dependencies = [
        ("postmortems", "0009_action_item_sort_indexes"),
    ]

    operations = [
        migrations.RunPython(to_gist, to_gin),
    ]

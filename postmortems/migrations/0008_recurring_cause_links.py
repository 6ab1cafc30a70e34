# Recurring causes without quadratic work: stored links between similar root causes (the
# dashboard reads them) and trigram GIN indexes answering the `%` operator (the editor and the
# link task use them). The indexes are PostgreSQL only (the SQLite demo compares a bounded
# number of rows instead), so they are created here rather than declared on the models.

import django.db.models.deletion
from django.db import migrations, models

TRIGRAM_INDEXES = [
    ("postmortems_why_answer_trgm", "postmortems_why", "answer",
     "WHERE is_root_cause AND answer <> ''"),
    ("postmortems_pm_root_cause_trgm", "postmortems_postmortem", "root_cause_sentence",
     "WHERE root_cause_sentence <> ''"),
    ("postmortems_factor_text_trgm", "postmortems_contributingfactor", "text", ""),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column, where in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops) "
            f"{where}")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("postmortems", "0007_postmortem_imported_notes"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecurringCauseLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("score", models.FloatField()),
                ("similar", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="+", to="postmortems.why")),
                ("why", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                          related_name="recurring_links",
                                          to="postmortems.why")),
            ],
            options={
                "constraints": [models.UniqueConstraint(
                    fields=("why", "similar"), name="postmortems_recurringcauselink_unique")],
            },
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]

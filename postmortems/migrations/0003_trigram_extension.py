# pg_trgm powers "recurring causes": trigram similarity between root causes and contributing
# factors. pg_trgm is a trusted extension, so the database owner can create it. The operation
# does nothing on SQLite (the demo), where a simpler match is used.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("postmortems", "0002_incidents_postmortems_actions"),
    ]

    operations = [
        TrigramExtension(),
    ]

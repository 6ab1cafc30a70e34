from django.db import migrations


class Migration(migrations.Migration):
    """API tokens live in accounts now (with a scope); accounts.0001 copied every token."""

    dependencies = [
        ("slos", "0008_actionable_alerts"),
        ("accounts", "0001_api_tokens"),
    ]

    operations = [
        migrations.DeleteModel(name="ApiToken"),
    ]

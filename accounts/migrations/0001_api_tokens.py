import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_slo_tokens(apps, schema_editor):
    """Every token issued for the SLO API keeps working: same user, name, digest and times,
    with the read scope (those endpoints only read)."""
    Old = apps.get_model("slos", "ApiToken")
    New = apps.get_model("accounts", "ApiToken")
    New.objects.bulk_create([
        New(user_id=old.user_id, name=old.name, scope="read", key_digest=old.key_digest,
            created_at=old.created_at, last_used_at=old.last_used_at)
        for old in Old.objects.all()
    ])


def copy_back(apps, schema_editor):
    Old = apps.get_model("slos", "ApiToken")
    New = apps.get_model("accounts", "ApiToken")
    Old.objects.bulk_create([
        Old(user_id=new.user_id, name=new.name, key_digest=new.key_digest,
            created_at=new.created_at, last_used_at=new.last_used_at)
        for new in New.objects.all()
    ])


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("slos", "0004_data_source_url"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="What uses it, e.g. deploy pipeline", max_length=100)),
                ("scope", models.CharField(choices=[("read", "Read"), ("write", "Read and write")], default="read", max_length=5)),
                ("key_digest", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to=settings.AUTH_USER_MODEL)),
            ],
            options={"verbose_name": "API token", "ordering": ["-created_at", "-pk"]},
        ),
        migrations.RunPython(copy_slo_tokens, copy_back),
    ]

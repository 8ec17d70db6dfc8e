import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """IdempotencyRecord moves here from workspaces; the table keeps its name and rows."""

    dependencies = [
        ("core", "0001_outbox"),
        ("workspaces", "0002_idempotency_record_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255, verbose_name="key")),
                        ("fingerprint", models.CharField(max_length=64, verbose_name="fingerprint")),
                        ("response_status", models.PositiveSmallIntegerField(null=True, verbose_name="answer status")),
                        ("response_body", models.JSONField(null=True, verbose_name="answer")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("workspace", models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="workspaces.workspace")),
                    ],
                    options={
                        "verbose_name": "idempotency record",
                        "verbose_name_plural": "idempotency records",
                        "db_table": "workspaces_idempotencyrecord",
                        "indexes": [models.Index(fields=["created_at"], name="workspaces__created_d85121_idx")],
                        "constraints": [models.UniqueConstraint(fields=("workspace", "key"), name="idempotency_unique_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    """IdempotencyRecord now lives in core (the API plumbing); its table stays."""

    dependencies = [("workspaces", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]

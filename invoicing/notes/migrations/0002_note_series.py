"""Existing workspaces get the note series new ones start with (B03 debit, B04 credit), with
no range until the workspace enters the one DGII authorised."""

from django.db import migrations

SERIES = [("B03", "Nota de débito", "debit_note"), ("B04", "Nota de crédito", "credit_note")]


def provision(apps, schema_editor):
    Workspace = apps.get_model("workspaces", "Workspace")
    DocumentSubtype = apps.get_model("fiscal", "DocumentSubtype")
    for workspace in Workspace.objects.all().iterator():
        for code, name, document_type in SERIES:
            DocumentSubtype.objects.get_or_create(
                workspace=workspace, ncf_type=code,
                defaults={"name": name, "document_type": document_type, "padding": 8})


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial"), ("fiscal", "0001_initial"),
                    ("workspaces", "0001_initial")]

    operations = [migrations.RunPython(provision, migrations.RunPython.noop)]

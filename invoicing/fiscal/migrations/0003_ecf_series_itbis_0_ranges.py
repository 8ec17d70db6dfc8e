"""Existing workspaces get what new ones start with since issue 12 (API.md "Every new
workspace starts with"): the tax "ITBIS 0%" and the e-CF series E31, E32, E33, E34, E44, E45
and E46, with no range until the workspace enters the one DGII authorised; and every series'
current range becomes the first entry of its range history."""

from decimal import Decimal

from django.db import migrations

E_SERIES = [
    ("E31", "Crédito fiscal electrónica", "invoice"),
    ("E32", "Consumo electrónica", "invoice"),
    ("E33", "Nota de débito electrónica", "debit_note"),
    ("E34", "Nota de crédito electrónica", "credit_note"),
    ("E44", "Régimen especial electrónica", "invoice"),
    ("E45", "Gubernamental electrónica", "invoice"),
    ("E46", "Exportaciones electrónica", "invoice"),
]


def provision(apps, schema_editor):
    Workspace = apps.get_model("workspaces", "Workspace")
    Tax = apps.get_model("fiscal", "Tax")
    DocumentSubtype = apps.get_model("fiscal", "DocumentSubtype")
    NcfRange = apps.get_model("fiscal", "NcfRange")
    for workspace in Workspace.objects.all().iterator():
        # A workspace that already has an ITBIS 0% (under any name) keeps it alone.
        if not Tax.objects.filter(workspace=workspace, kind="itbis", rate=0).exists() and \
                not Tax.objects.filter(workspace=workspace, name__iexact="ITBIS 0%").exists():
            Tax.objects.create(workspace=workspace, name="ITBIS 0%", kind="itbis",
                               rate=Decimal("0.00"))
        for code, name, document_type in E_SERIES:
            DocumentSubtype.objects.get_or_create(
                workspace=workspace, ncf_type=code,
                defaults={"name": name, "document_type": document_type, "padding": 10})
    for subtype in DocumentSubtype.objects.filter(ncf_type__isnull=False,
                                                  range_end__isnull=False).iterator():
        NcfRange.objects.get_or_create(
            subtype=subtype, range_start=subtype.range_start or 1,
            defaults={"workspace_id": subtype.workspace_id, "range_end": subtype.range_end,
                      "valid_until": subtype.valid_until, "entered_at": subtype.updated_at})


class Migration(migrations.Migration):
    dependencies = [("fiscal", "0002_range_history"), ("workspaces", "0001_initial")]

    operations = [migrations.RunPython(provision, migrations.RunPython.noop)]

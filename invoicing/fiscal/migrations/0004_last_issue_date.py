"""A series remembers the latest issue date it numbered (numbers and dates go together in a
fiscal series); existing series take it from the documents they numbered."""

from django.db import migrations, models
from django.db.models import Max

NUMBERED = [("invoices", "Invoice"), ("notes", "Note")]


def fill(apps, schema_editor):
    DocumentSubtype = apps.get_model("fiscal", "DocumentSubtype")
    latest: dict[int, object] = {}
    for app_label, model_name in NUMBERED:
        model = apps.get_model(app_label, model_name)
        rows = (model.objects.filter(document_number__isnull=False)
                .values("document_subtype_id").annotate(last=Max("issue_date")))
        for row in rows:
            key, last = row["document_subtype_id"], row["last"]
            if key not in latest or last > latest[key]:
                latest[key] = last
    for subtype_id, last in latest.items():
        DocumentSubtype.objects.filter(pk=subtype_id).update(last_issue_date=last)


class Migration(migrations.Migration):

    dependencies = [
        ("fiscal", "0003_ecf_series_itbis_0_ranges"),
        ("invoices", "0005_report_sums_index"),
        ("notes", "0002_note_series"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentsubtype",
            name="last_issue_date",
            field=models.DateField(blank=True, editable=False, null=True,
                                   verbose_name="last issue date"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

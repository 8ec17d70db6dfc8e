"""Output shapes of the report routes (read-only; money as strings with 2 decimals)."""

from __future__ import annotations

from rest_framework import serializers

from invoicing.core.api.fields import MoneyField


def money(**kwargs):
    return MoneyField(max_digits=20, read_only=True, **kwargs)


class SalesRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="The day (YYYY-MM-DD), month "
                                "(YYYY-MM-01), or the contact, product or salesman id.")
    label = serializers.CharField()
    count = serializers.IntegerField()
    subtotal_amount = money()
    discount_amount = money()
    tax_amount = money()
    total_amount = money()
    commission_rate = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True,
                                               allow_null=True, help_text="By salesman only.")
    commission_amount = money(allow_null=True, help_text="By salesman only.")


class SalesTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    subtotal_amount = money()
    discount_amount = money()
    tax_amount = money()
    total_amount = money()
    commission_amount = money(allow_null=True, help_text="By salesman only.")


class SalesReportSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.ChoiceField(choices=["day", "month", "contact", "product",
                                                "salesman"])
    rows = SalesRowSerializer(many=True)
    totals = SalesTotalsSerializer()


class AgingFiguresSerializer(serializers.Serializer):
    current = money()
    days_1_30 = money()
    days_31_60 = money()
    days_61_90 = money()
    days_over_90 = money()
    total = money()


class AgingRowSerializer(AgingFiguresSerializer):
    contact_id = serializers.IntegerField()
    name = serializers.CharField()


class AgingDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    document_number = serializers.CharField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    days_past_due = serializers.IntegerField()
    bucket = serializers.CharField()
    balance = money()


class ReceivablesReportSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    rows = AgingRowSerializer(many=True)
    totals = AgingFiguresSerializer()
    documents = AgingDocumentSerializer(many=True, allow_null=True,
                                        help_text="With `contact_id`: that contact's open "
                                        "documents (the drill-down).")


class ItbisRateSerializer(serializers.Serializer):
    rate = serializers.CharField()
    taxed_base = money()
    itbis = money()


class NoteFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    base = money()
    itbis = money()


class It1LineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    amount = money()


class ItbisReportSerializer(serializers.Serializer):
    period = serializers.CharField()
    count = serializers.IntegerField()
    rates = ItbisRateSerializer(many=True)
    taxed_base = money()
    exempt_base = money()
    sales_total = money()
    itbis = money()
    propina = money()
    isc = money()
    other_taxes = money()
    credit_notes_within_30_days = NoteFiguresSerializer()
    credit_notes_over_30_days = NoteFiguresSerializer()
    itbis_net = money()
    lines = It1LineSerializer(many=True)


class FileTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    base = money()
    itbis = money()
    isc = money()
    other_taxes = money()
    tip = money()
    total = money()
    itbis_withheld = money()
    isr_withheld = money()
    cash = money()
    bank = money(help_text="Check, transfer, deposit and mobile payments (column 18).")
    card = money()
    credit = money()
    gift = money()
    swap = money()
    other = money(help_text="Other forms, customer credit included (column 23).")


class Dgii607WarningSerializer(serializers.Serializer):
    ncf = serializers.CharField()
    id = serializers.IntegerField()
    message = serializers.CharField()


class Summary607Serializer(serializers.Serializer):
    period = serializers.CharField()
    file = FileTotalsSerializer()
    consumo_summed = FileTotalsSerializer(help_text="B02/E32 under RD$250,000: summed, "
                                          "not listed.")
    warnings = Dgii607WarningSerializer(many=True)

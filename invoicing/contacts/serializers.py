from rest_framework import serializers

from invoicing.core.api.fields import MoneyField

from .models import Contact, ContactKind, RncRegistryEntry, TaxIdType


class BlankableCharField(serializers.CharField):
    """An optional text field where `null` means empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return "" if data is None else super().to_internal_value(data)

    def validate_empty_values(self, data):
        if data is None:
            return (True, "")
        return super().validate_empty_values(data)


class ContactSerializer(serializers.ModelSerializer):
    """Output, and input for create/update (shape only; the tax id is checked by the
    service so pages and API give the same message)."""

    kind = serializers.ChoiceField(choices=ContactKind.choices, required=False)
    tax_id_type = serializers.ChoiceField(choices=TaxIdType.choices, required=False)
    tax_id = BlankableCharField(max_length=30)
    email = BlankableCharField(max_length=254)
    phone = BlankableCharField(max_length=40)
    address = BlankableCharField()
    notes = BlankableCharField()
    payment_terms_days = serializers.IntegerField(required=False, allow_null=True,
                                                  min_value=0, max_value=3650)
    is_active = serializers.BooleanField(required=False)
    credit_balance = MoneyField(read_only=True,
                                help_text="Customer credit, in the workspace currency.")

    class Meta:
        model = Contact
        fields = ["id", "name", "kind", "tax_id_type", "tax_id", "email", "phone", "address",
                  "payment_terms_days", "notes", "is_active", "credit_balance"]


class RncRegistryEntrySerializer(serializers.ModelSerializer):
    """A taxpayer of DGII's registry, as DGII lists it (names in capitals)."""

    tax_id = serializers.CharField(read_only=True, help_text="RNC (9 digits) or cédula (11), "
                                   "digits only.")
    status = serializers.CharField(read_only=True, help_text="As DGII writes it: `ACTIVO`, "
                                   "`SUSPENDIDO`, `DADO DE BAJA`, `CESE TEMPORAL`…")
    payment_regime = serializers.CharField(read_only=True,
                                           help_text="As DGII writes it, e.g. `NORMAL`, `RST`.")
    started_on = serializers.DateField(read_only=True, allow_null=True,
                                       help_text="Start of activities; null when DGII has none.")

    class Meta:
        model = RncRegistryEntry
        fields = ["tax_id", "name", "trade_name", "activity", "status", "payment_regime",
                  "started_on"]
        read_only_fields = fields

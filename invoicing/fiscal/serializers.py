"""Input and output shapes of /taxes, /document-subtypes and validate-ncf. No business rule
here: the services check every rule and name the field at fault."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from invoicing.core.api.fields import WorkspaceRelatedField

from .models import DocumentSubtype, DocumentType, RangeStatus, Tax, TaxKind
from .ncf_types import NCF_TYPES
from .numbering import subtype_warnings
from .ranges import range_history
from .validation import CODES


class TaxSerializer(serializers.ModelSerializer):
    """Output, and input for create/update."""

    kind = serializers.ChoiceField(choices=TaxKind.choices)
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,
                                    max_value=100, coerce_to_string=True,
                                    help_text=_("Percentage, e.g. \"18.00\"."))
    is_active = serializers.BooleanField(required=False)

    class Meta:
        model = Tax
        fields = ["id", "name", "kind", "rate", "is_active"]
        validators = []


class WarningSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["ncf_range_missing", "ncf_range_expired",
                                            "ncf_range_expiring", "ncf_range_exhausted",
                                            "ncf_range_low"])
    message = serializers.CharField()


class RangeSerializer(serializers.Serializer):
    """One authorised range of a series' history (output)."""

    range_start = serializers.IntegerField()
    range_end = serializers.IntegerField()
    valid_until = serializers.DateField(allow_null=True)
    entered_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=RangeStatus.choices)


class RangeInputSerializer(serializers.Serializer):
    """Input of `POST /document-subtypes/{id}/ranges`."""

    range_start = serializers.IntegerField(min_value=1, max_value=10**12)
    range_end = serializers.IntegerField(min_value=1, max_value=10**12)
    valid_until = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("Default 31 December of next year; none for E32 and E34, whose "
                    "sequences do not expire."))


class DocumentSubtypeSerializer(serializers.ModelSerializer):
    """Output, and input for create/update. Fiscal series: `ncf_type` set, no `prefix`,
    `padding` is 8 (B) or 10 (E); a range is `range_start`–`range_end` with `valid_until`
    (default 31 December of next year). Plain series: `ncf_type` null, a `prefix`."""

    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    ncf_type = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=3,
        help_text=_("DGII type: %(codes)s; null for a plain series.")
        % {"codes": ", ".join(sorted(NCF_TYPES))})
    prefix = serializers.CharField(required=False, allow_blank=True, max_length=20)
    padding = serializers.IntegerField(required=False, min_value=1, max_value=12)
    range_start = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                           max_value=10**12)
    next_number = serializers.IntegerField(
        required=False, min_value=1, max_value=10**12,
        help_text=_("The number the next document takes. Entering a new range_start moves "
                    "it to the range's start unless given."))
    range_end = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                         max_value=10**12)
    valid_until = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("The range's expiry; default 31 December of the year after it is "
                    "entered."))
    is_active = serializers.BooleanField(required=False)
    remaining = serializers.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Numbers left in the authorised range; null for a plain series without a limit."))
    warnings = serializers.SerializerMethodField()
    ranges = serializers.SerializerMethodField(help_text=_(
        "Every range DGII authorised for the series, lowest first: `current` (issuing now), "
        "`next` (takes over when the current one is used up or expires), `finished` (used "
        "up), `expired`."))

    class Meta:
        model = DocumentSubtype
        fields = ["id", "name", "document_type", "ncf_type", "prefix", "padding",
                  "range_start", "next_number", "range_end", "valid_until", "remaining",
                  "ranges", "is_active", "warnings"]
        extra_kwargs = {"name": {"required": False}}
        validators = []  # uniqueness is the service's rule, reported on the right field

    @extend_schema_field(RangeSerializer(many=True))
    def get_ranges(self, subtype: DocumentSubtype) -> list[dict]:
        today = self.context.get("today") or timezone.localdate()
        return RangeSerializer([view.as_dict() for view in range_history(subtype, today)],
                               many=True).data

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, subtype: DocumentSubtype) -> list[dict]:
        today = self.context.get("today") or timezone.localdate()
        return [warning.as_dict() for warning in subtype_warnings(subtype, today)]


class ValidateNcfSerializer(serializers.Serializer):
    """Input of `POST /invoices/validate-ncf`. `document_subtype_id` validates to the
    DocumentSubtype row (looked up in the request's workspace: a foreign id is 400)."""

    ncf = serializers.CharField(max_length=40, allow_blank=True, trim_whitespace=True,
                                help_text=_("Spaces and dashes are ignored."))
    document_subtype_id = WorkspaceRelatedField(model=DocumentSubtype)


class NcfErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CODES)
    message = serializers.CharField()


class NcfValidationSerializer(serializers.Serializer):
    """Output: `{"valid": bool, "ncf": "<normalised>", "errors": [{"code", "message"}]}`."""

    valid = serializers.BooleanField()
    ncf = serializers.CharField(source="ncf_normalised")
    errors = NcfErrorSerializer(many=True)

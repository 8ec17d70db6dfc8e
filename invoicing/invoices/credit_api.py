"""`/api/v1/contacts/{id}/refunds` (API.md "Customer credit"): customer credit paid back."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.contacts.models import Contact
from invoicing.core.api.fields import MoneyField
from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.documents.serializers import money, timestamp

from .credit import REFUND_METHODS, refund_record
from .models import PaymentMethod, Refund


class RefundInputSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    method = serializers.ChoiceField(choices=[(m, m) for m in REFUND_METHODS],
                                     required=False, default=PaymentMethod.CASH)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)


class RefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contact_id = serializers.IntegerField()
    date = serializers.DateField()
    amount = MoneyField()
    method = serializers.CharField()
    reference = serializers.CharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, refund):
        return {"id": refund.pk, "contact_id": refund.contact_id,
                "date": refund.date.isoformat(), "amount": money(refund.amount),
                "method": refund.method, "reference": refund.reference,
                "created_at": timestamp(refund.created_at)}


class ContactRefundViewSet(WorkspaceViewSet):
    """The refunds of one contact; the path's id is the contact's."""

    queryset = Contact.objects.all()
    serializer_class = RefundSerializer
    action_names = {"refunds": "read", "refund_create": "refund_record"}

    @extend_schema(summary="List a contact's refunds of customer credit",
                   responses=RefundSerializer(many=True))
    @action(detail=True, methods=["get"])
    def refunds(self, request, pk=None):
        contact = self.get_object()
        refunds = Refund.objects.filter(workspace_id=self.workspace.pk, contact=contact) \
            .order_by("-date", "-id")
        page = self.paginate_queryset(refunds)
        return self.get_paginated_response(RefundSerializer(page, many=True).data)

    @extend_schema(summary="Pay customer credit back (400 beyond the contact's balance)",
                   request=RefundInputSerializer, responses={201: RefundSerializer})
    @refunds.mapping.post
    def refund_create(self, request, pk=None):
        contact = self.get_object()
        serializer = RefundInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refund = refund_record(contact=contact, actor=request.user, **serializer.validated_data)
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)

"""Admin for invoices, payments and salesmen. Invoices are fiscal documents: the admin shows
them read-only and acts on them only through the services (issue, re-render the PDF)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError

from . import payments, salesmen, services
from .models import Invoice, InvoiceLine, Payment, Refund, Salesman, Withholding


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["position", "description", "quantity", "unit_price", "discount_amount",
              "tax_amount", "total"]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["date", "amount", "method", "reference"]
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(WorkspaceScopedAdmin):
    list_display = ["__str__", "issue_date", "contact", "status", "total_amount", "amount_paid",
                    "workspace"]
    list_filter = ["status", "document_subtype__ncf_type"]
    search_fields = ["document_number", "contact__name", "buyer_name", "buyer_tax_id"]
    date_hierarchy = "issue_date"
    list_select_related = ("workspace", "contact")
    inlines = [InvoiceLineInline, PaymentInline]
    actions = ["issue_drafts", "rerender_pdf"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Invoice._meta.fields] + ["salesmen"]

    def has_add_permission(self, request):
        return False  # invoices are created on the invoice pages or through the API

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_draft

    def delete_model(self, request, obj):
        services.invoice_delete(invoice=obj, actor=request.user)

    @admin.action(description=_("Issue the selected drafts"))
    def issue_drafts(self, request, queryset):
        for invoice in queryset.filter(status="draft"):
            try:
                services.invoice_issue(invoice=invoice, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"#{invoice.pk}: {error.message}", messages.ERROR)

    @admin.action(description=_("Render the PDF again"))
    def rerender_pdf(self, request, queryset):
        from .pdf import render_invoice_pdf

        for invoice in queryset:
            render_invoice_pdf(invoice.pk, force=True)
        self.message_user(request, _("PDFs rendered."))


@admin.register(Payment)
class PaymentAdmin(WorkspaceScopedAdmin):
    list_display = ["invoice", "date", "amount", "method", "reference", "workspace"]
    list_filter = ["method"]
    search_fields = ["invoice__document_number", "reference"]
    date_hierarchy = "date"
    list_select_related = ("workspace", "invoice")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Payment._meta.fields]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        payments.payment_delete(payment=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for payment in queryset:
            payments.payment_delete(payment=payment, actor=request.user)


@admin.register(Salesman)
class SalesmanAdmin(WorkspaceScopedAdmin):
    list_display = ["name", "email", "commission_rate", "is_active", "workspace"]
    search_fields = ["name", "email"]
    fields = ["name", "email", "commission_rate", "user", "is_active"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in
                ("name", "email", "commission_rate", "is_active")}
        data["user_id"] = form.cleaned_data["user"].pk if form.cleaned_data.get("user") else None
        try:
            if change:
                salesmen.salesman_update(salesman=obj, actor=request.user, **data)
            else:
                created = salesmen.salesman_create(workspace=form.cleaned_data["workspace"],
                                                   actor=request.user, **data)
                obj.pk = created.pk
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_model(self, request, obj):
        salesmen.salesman_delete(salesman=obj, actor=request.user)


@admin.register(InvoiceLine)
class InvoiceLineAdmin(WorkspaceScopedAdmin):
    """Lines are part of their invoice's fiscal record: read-only here."""

    list_display = ["invoice", "position", "description", "quantity", "unit_price", "total",
                    "workspace"]
    search_fields = ["description", "invoice__document_number"]
    list_select_related = ("workspace", "invoice")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in InvoiceLine._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Only as part of deleting their draft invoice (the admin checks each line).
        return obj is not None and obj.invoice.status == "draft"


@admin.register(Withholding)
class WithholdingAdmin(WorkspaceScopedAdmin):
    """What buyers withheld on payments: recorded with the payment, never edited."""

    list_display = ["payment", "kind", "rate", "amount", "workspace"]
    list_filter = ["kind"]
    list_select_related = ("workspace", "payment")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Withholding._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(WorkspaceScopedAdmin):
    """Customer credit paid back (recorded through `credit.refund_record`)."""

    list_display = ["contact", "date", "amount", "method", "reference", "workspace"]
    list_filter = ["method"]
    search_fields = ["contact__name", "reference"]
    date_hierarchy = "date"
    list_select_related = ("workspace", "contact")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Refund._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

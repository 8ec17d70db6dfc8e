"""Admin for notes: fiscal documents, shown read-only (issued and voided through the services,
from the pages and the API)."""

from django.contrib import admin

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.invoices.admin import ReadOnlyInline

from .models import Note, NoteLine


class NoteLineInline(ReadOnlyInline):
    model = NoteLine
    fields = ["position", "description", "quantity", "unit_price", "tax_amount", "total",
              "invoice_line", "restock"]
    readonly_fields = fields


@admin.register(Note)
class NoteAdmin(WorkspaceScopedAdmin):
    list_display = ["__str__", "document_type", "issue_date", "modified_ncf", "contact",
                    "status", "total_amount", "workspace"]
    list_filter = ["document_type", "status", "modification_code"]
    search_fields = ["document_number", "modified_ncf", "buyer_name", "buyer_tax_id"]
    date_hierarchy = "issue_date"
    list_select_related = ("workspace", "contact")
    inlines = [NoteLineInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Note._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

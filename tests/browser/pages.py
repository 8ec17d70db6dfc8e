"""Every staff page the app serves, found by walking its URL names (not a hand-kept list):
each pattern under the page namespaces, with its `pk` filled from the demo workspace
(`manage.py seed_demo`). Patterns that only take POST, need a token or answer a file are
left out by what they answer, not by name, except the few listed in SKIP."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Not pages: they act (log out, switch, change language) or serve files and fragments.
SKIP = {
    "accounts:logout", "workspaces:switch", "set_language", "documents:line_row",
    "documents:preview", "contacts:check_tax_id", "invoices:pdf", "quotations:pdf",
    "api-docs",  # Swagger UI's own layout, not ours
}
# Need a token from a mail: the pages around them are walked instead.
TOKEN_PAGES = {"accounts:signup_confirm", "accounts:password_reset_confirm"}
LOGGED_OUT = {"accounts:login", "accounts:signup", "accounts:signup_sent",
              "accounts:password_reset", "accounts:password_reset_done",
              "accounts:password_reset_complete"}


@dataclass(frozen=True)
class PageUrl:
    name: str
    url: str
    logged_out: bool = False

    @property
    def slug(self) -> str:
        return self.name.replace(":", "-")


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace \
                else (pattern.namespace or namespace)
            if str(pattern.pattern).startswith(("admin/", "api/")):
                continue
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            # A path() names its arguments in converters, a re_path() in its groups.
            arguments = list(pattern.pattern.converters) or \
                list(pattern.pattern.regex.groupindex)
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name, arguments)


def _objects(workspace):
    """The demo object each `pk` stands for, by URL name (the longest prefix wins)."""
    from invoicing.contacts.models import Contact
    from invoicing.fiscal.models import DocumentSubtype, Tax
    from invoicing.invoices.models import Invoice, Salesman
    from invoicing.products.models import Product
    from invoicing.quotations.models import Quotation
    from workspaces.models import Currency, Membership

    scoped = {"workspace": workspace}
    issued = Invoice.objects.filter(**scoped).exclude(status="draft")
    # The detail with the most on it: an issued invoice with payments.
    invoice = (issued.filter(payments__isnull=False).order_by("-pk").first()
               or issued.order_by("-pk").first())
    draft = Invoice.objects.filter(**scoped, status="draft").order_by("pk").first()
    quotation = Quotation.objects.filter(**scoped).order_by("-pk").first()
    draft_quotation = (Quotation.objects.filter(**scoped, status="draft").order_by("pk").first()
                       or quotation)
    customer = invoice.contact if invoice else Contact.objects.filter(**scoped).first()
    return {
        "contacts:": customer,
        "products:": Product.objects.filter(**scoped).order_by("pk").first(),
        "fiscal:subtype": DocumentSubtype.objects.filter(**scoped, ncf_type="B01").first(),
        "fiscal:tax": Tax.objects.filter(**scoped).order_by("pk").first(),
        "workspaces:currency": Currency.objects.filter(**scoped, code="USD").first(),
        "workspaces:member": Membership.objects.filter(**scoped).first(),
        "invoices:salesman": Salesman.objects.filter(**scoped).order_by("pk").first(),
        "invoices:edit": draft,
        "invoices:": invoice,
        "quotations:edit": draft_quotation,
        "quotations:": quotation,
    }


def page_urls(workspace) -> list[PageUrl]:
    objects = _objects(workspace)
    found = []
    for name, kwargs in _walk(get_resolver().url_patterns):
        if name in SKIP or name in TOKEN_PAGES:
            continue
        if not kwargs:
            found.append(PageUrl(name, reverse(name), logged_out=name in LOGGED_OUT))
            continue
        if kwargs != ["pk"]:
            continue  # a nested object (a payment): its actions are POST-only
        prefix = max((p for p in objects if name.startswith(p)), key=len, default=None)
        target = objects.get(prefix) if prefix else None
        if target is None:
            continue
        found.append(PageUrl(name, reverse(name, kwargs={"pk": target.pk})))
    return found


def seed_demo():
    """The demo workspace and its user (demo@example.com / demo)."""
    from django.core.management import call_command

    from workspaces.models import Workspace

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Workspace.objects.get(name="Comercial Demo SRL")

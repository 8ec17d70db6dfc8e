"""factory_boy factories for every model. Workspace-scoped factories take `workspace=`;
related objects default to the same workspace."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from invoicing.contacts.models import Contact, RncRegistryEntry, TaxIdType
from invoicing.fiscal.models import DocumentSubtype, DocumentType, Tax, TaxKind
from invoicing.invoices.models import Invoice, InvoiceLine, Payment, Salesman
from invoicing.products.models import Product
from invoicing.quotations.models import Quotation, QuotationLine
from workspaces.models import Currency, Membership, Workspace
from workspaces.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password("secret-pass-123")


class WorkspaceFactory(factory.django.DjangoModelFactory):
    """A bare workspace row. Use `tests.conftest.make_workspace` for one with the defaults
    every real workspace has (currencies, taxes, document subtypes)."""

    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Empresa {n} SRL")
    slug = factory.Sequence(lambda n: f"empresa-{n}")
    rnc = "131246796"
    address = "Av. Winston Churchill 1099, Santo Domingo"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class CurrencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Currency
        django_get_or_create = ("workspace", "code")

    workspace = factory.SubFactory(WorkspaceFactory)
    code = "USD"
    name = "Dólar estadounidense"
    symbol = "US$"
    exchange_rate = Decimal("60.5000")


class TaxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tax

    workspace = factory.SubFactory(WorkspaceFactory)
    name = "ITBIS 18%"
    kind = TaxKind.ITBIS
    rate = Decimal("18.00")


class DocumentSubtypeFactory(factory.django.DjangoModelFactory):
    """A plain (non-fiscal) invoice series by default; `fiscal=True` for a B01 with a range."""

    class Meta:
        model = DocumentSubtype

    class Params:
        fiscal = factory.Trait(
            ncf_type="B01", name="Crédito fiscal", prefix="", padding=8, range_start=1,
            range_end=1000, valid_until=factory.LazyFunction(
                lambda: timezone.localdate().replace(month=12, day=31)),
        )

    workspace = factory.SubFactory(WorkspaceFactory)
    name = "Factura"
    document_type = DocumentType.INVOICE
    ncf_type = None
    prefix = factory.Sequence(lambda n: f"T{n}-")
    padding = 4


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Cliente {n} SRL")
    tax_id_type = TaxIdType.RNC
    tax_id = "101850043"
    email = factory.Sequence(lambda n: f"cliente{n}@example.com")
    address = "Calle El Conde 55, Zona Colonial, Santo Domingo"


class RncRegistryEntryFactory(factory.django.DjangoModelFactory):
    """A taxpayer of DGII's registry (shared by every workspace)."""

    class Meta:
        model = RncRegistryEntry
        django_get_or_create = ("tax_id",)

    tax_id = "131246796"
    name = "CONSTRUCTORA BISONÓ, SRL"
    trade_name = "BISONÓ CONSTRUCCIONES"
    activity = "CONSTRUCCIÓN DE EDIFICIOS"
    status = "ACTIVO"
    payment_regime = "NORMAL"
    started_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2006))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    workspace = factory.SubFactory(WorkspaceFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Producto {n}")
    unit_price = Decimal("100.00")
    cost = Decimal("60.00")


class SalesmanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Salesman

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"vendedor{n}@example.com")
    commission_rate = Decimal("5.00")


def _default_currency(workspace):
    currency = Currency.objects.filter(workspace=workspace, is_default=True).first()
    return currency or CurrencyFactory(workspace=workspace, code="DOP", name="Peso",
                                       symbol="RD$", exchange_rate=Decimal("1"),
                                       is_default=True)


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A draft invoice row with no lines; build real invoices through the services."""

    class Meta:
        model = Invoice

    workspace = factory.SubFactory(WorkspaceFactory)
    contact = factory.LazyAttribute(lambda o: ContactFactory(workspace=o.workspace))
    document_subtype = factory.LazyAttribute(
        lambda o: DocumentSubtypeFactory(workspace=o.workspace))
    currency = factory.LazyAttribute(lambda o: _default_currency(o.workspace))


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    workspace = factory.SelfAttribute("invoice.workspace")
    description = "Servicio"
    quantity = Decimal("1")
    unit_price = Decimal("100.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory)
    workspace = factory.SelfAttribute("invoice.workspace")
    amount = Decimal("10.00")


class QuotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quotation

    workspace = factory.SubFactory(WorkspaceFactory)
    contact = factory.LazyAttribute(lambda o: ContactFactory(workspace=o.workspace))
    document_subtype = factory.LazyAttribute(lambda o: DocumentSubtypeFactory(
        workspace=o.workspace, document_type=DocumentType.QUOTATION))
    currency = factory.LazyAttribute(lambda o: _default_currency(o.workspace))
    issue_date = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: o.issue_date + timezone.timedelta(days=15))


class QuotationLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotationLine

    quotation = factory.SubFactory(QuotationFactory)
    workspace = factory.SelfAttribute("quotation.workspace")
    description = "Servicio"
    quantity = Decimal("1")
    unit_price = Decimal("100.00")

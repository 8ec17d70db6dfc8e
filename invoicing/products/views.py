"""Product pages: list (stock highlighted at or below zero), create/edit, detail with the
stock ledger and the form to record an adjustment or a purchase."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors, run_action
from invoicing.reports.lists import products_csv, wants_csv
from workspaces.decorators import workspace_required
from workspaces.models import Currency
from workspaces.roles import READ, SELL

from . import services, stock
from .forms import ProductForm, ProductSearchForm, StockMovementForm
from .models import Product, StockMovement
from .selectors import product_search
from .templatetags.stock import signed_qty

PER_PAGE = 25
LEDGER_PER_PAGE = 20


def _get_product(request, pk) -> Product:
    return get_object_or_404(Product.objects.prefetch_related("taxes"), pk=pk,
                             workspace=request.workspace)


def _symbol(workspace) -> str:
    """Prices are in the workspace's default currency."""
    return (Currency.objects.filter(workspace=workspace, is_default=True)
            .values_list("symbol", flat=True).first() or "")


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@workspace_required(READ)
def product_list(request):
    search = ProductSearchForm(request.GET or None)
    products = (Product.objects.for_workspace(request.workspace).prefetch_related("taxes")
                .order_by("name", "id"))
    status = stock = ""
    if search.is_valid():
        q = search.cleaned_data["q"].strip()
        if q:
            products = product_search(products, q)
        status, stock = search.cleaned_data["status"], search.cleaned_data["stock"]
    if status == "inactive":
        products = products.filter(is_active=False)
    elif status != "all":
        products = products.filter(is_active=True)
    if stock == "tracked":
        products = products.filter(tracks_inventory=True)
    elif stock == "low":
        products = products.filter(tracks_inventory=True, stock_quantity__lte=0)
    if wants_csv(request):
        return products_csv(products)
    page = Paginator(products, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "products/product_list.html", {
        "search": search, "page": page, "query": _query_without_page(request),
        "symbol": _symbol(request.workspace),
    })


@workspace_required(SELL)
def product_create(request):
    form = ProductForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(workspace=request.workspace,
                                              actor=request.user, **form.service_fields())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Product %(sku)s saved.") % {"sku": product.sku})
            return redirect("products:detail", pk=product.pk)
    return render(request, "products/product_form.html", {"form": form})


@workspace_required(SELL)
def product_edit(request, pk):
    product = _get_product(request, pk)
    initial = {name: getattr(product, name) for name in ProductForm.base_fields
               if name != "tax_ids"}
    initial["tax_ids"] = [tax.pk for tax in product.taxes.all()]
    form = ProductForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_update(product=product, actor=request.user,
                                              **form.service_fields())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Product %(sku)s saved.") % {"sku": product.sku})
            return redirect("products:detail", pk=product.pk)
    return render(request, "products/product_form.html", {"form": form, "product": product})


def _detail(request, product, movement_form, status=200):
    ledger = (StockMovement.objects.filter(workspace=request.workspace, product=product)
              .select_related("created_by", "invoice").order_by("-created_at", "-id"))
    page = Paginator(ledger, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "products/product_detail.html", {
        "product": product, "page": page, "movement_form": movement_form,
        "offer_deactivate": request.GET.get("in_use") == "1" and product.is_active,
        "query": _query_without_page(request), "symbol": _symbol(request.workspace),
    }, status=status)


@workspace_required(READ)
def product_detail(request, pk):
    return _detail(request, _get_product(request, pk), StockMovementForm())


@workspace_required(SELL)
@require_POST
def movement_record(request, pk):
    product = _get_product(request, pk)
    form = StockMovementForm(request.POST)
    if form.is_valid():
        try:
            movement = stock.stock_manual_record(
                workspace=request.workspace, product=product, actor=request.user,
                **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(kind)s of %(qty)s recorded.") % {
                "kind": movement.get_kind_display(), "qty": signed_qty(movement.quantity)})
            return redirect("products:detail", pk=product.pk)
    return _detail(request, product, form, status=400)


@workspace_required(SELL)
@require_POST
def product_set_active(request, pk):
    product = _get_product(request, pk)
    active = request.POST.get("is_active") == "1"
    services.product_set_active(product=product, actor=request.user, is_active=active)
    messages.success(request, _("Product reactivated.") if active
                     else _("Product deactivated: it is no longer offered on new documents."))
    return redirect("products:detail", pk=product.pk)


@workspace_required(SELL)
@require_POST
def product_delete(request, pk):
    product = _get_product(request, pk)
    return run_action(
        request, lambda: services.product_delete(product=product, actor=request.user),
        success=_("Product %(sku)s deleted.") % {"sku": product.sku},
        done=reverse("products:list"),
        failed=reverse("products:detail", kwargs={"pk": product.pk}) + "?in_use=1")

"""Currency pages under settings: the list with an add form, and each currency's page with
its details, its rate history and the form to record a rate."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors, run_action

from . import services
from .decorators import workspace_required
from .models import Currency, ExchangeRate
from .roles import FISCAL, READ, role_allows

RATES_PER_PAGE = 20


class CurrencyForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("ISO code"), max_length=3,
                           help_text=gettext_lazy("ISO 4217, e.g. EUR"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60, required=False)
    symbol = forms.CharField(label=gettext_lazy("Symbol"), max_length=8, required=False)
    exchange_rate = forms.DecimalField(
        label=gettext_lazy("Exchange rate"), max_digits=14, decimal_places=4, required=False,
        min_value=0, help_text=gettext_lazy("Value of 1 unit in the default currency, today."))


class CurrencyEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    symbol = forms.CharField(label=gettext_lazy("Symbol"), max_length=8)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)


class RateForm(forms.Form):
    rate = forms.DecimalField(label=gettext_lazy("Rate"), max_digits=14, decimal_places=4,
                              min_value=0,
                              help_text=gettext_lazy("Value of 1 unit in the default "
                                                     "currency."))
    effective_date = forms.DateField(
        label=gettext_lazy("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Documents issued on or after this date take this rate."))

    def clean_effective_date(self) -> datetime.date:
        value = self.cleaned_data["effective_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A rate takes effect today or on a past date."))
        return value


def _require_fiscal(request) -> None:
    if not role_allows(request.workspace_role, FISCAL):
        raise PermissionDenied


def _currency(request, pk) -> Currency:
    return get_object_or_404(Currency, pk=pk, workspace=request.workspace)


@workspace_required(READ)
def currency_list(request):
    form = CurrencyForm(request.POST or None)
    if request.method == "POST":
        _require_fiscal(request)
        if form.is_valid():
            try:
                currency = services.currency_create(workspace=request.workspace,
                                                    actor=request.user, **form.cleaned_data)
            except DomainError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("%(code)s added.") % {"code": currency.code})
                return redirect("workspaces:currency_detail", pk=currency.pk)
    currencies = Currency.objects.filter(workspace=request.workspace).order_by(
        "-is_default", "code", "id")
    return render(request, "workspaces/currency_list.html",
                  {"currencies": currencies, "form": form},
                  status=400 if form.errors else 200)


def _detail(request, currency, edit_form=None, rate_form=None, status=200):
    history = ExchangeRate.objects.filter(currency=currency).order_by("-effective_date", "-id")
    page = Paginator(history, RATES_PER_PAGE).get_page(request.GET.get("page"))
    edit_form = edit_form or CurrencyEditForm(initial={
        "name": currency.name, "symbol": currency.symbol, "is_active": currency.is_active})
    rate_form = rate_form or RateForm(initial={"rate": currency.exchange_rate,
                                               "effective_date": timezone.localdate()})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workspaces/currency_detail.html", {
        "currency": currency, "page": page, "edit_form": edit_form, "rate_form": rate_form,
        "query": query.urlencode(),
    }, status=status)


@workspace_required(READ)
def currency_detail(request, pk):
    currency = _currency(request, pk)
    if request.method == "POST":
        _require_fiscal(request)
        form = CurrencyEditForm(request.POST)
        if form.is_valid():
            try:
                services.currency_update(currency=currency, actor=request.user,
                                         **form.cleaned_data)
            except DomainError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("%(code)s saved.") % {"code": currency.code})
                return redirect("workspaces:currency_detail", pk=currency.pk)
        return _detail(request, currency, edit_form=form, status=400)
    return _detail(request, currency)


@workspace_required(FISCAL)
@require_POST
def currency_rate_add(request, pk):
    currency = _currency(request, pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.exchange_rate_set(currency=currency, actor=request.user,
                                       **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Rate recorded."))
            return redirect("workspaces:currency_detail", pk=currency.pk)
    return _detail(request, currency, rate_form=form, status=400)


@workspace_required(FISCAL)
@require_POST
def currency_make_default(request, pk):
    currency = _currency(request, pk)
    return run_action(
        request, lambda: services.currency_make_default(currency=currency, actor=request.user),
        success=_("%(code)s is now the default currency; the other rates were restated "
                  "against it.") % {"code": currency.code},
        done=reverse("workspaces:currency_detail", args=[currency.pk]))


@workspace_required(FISCAL)
@require_POST
def currency_delete(request, pk):
    currency = _currency(request, pk)
    return run_action(
        request, lambda: services.currency_delete(currency=currency, actor=request.user),
        success=_("%(code)s deleted.") % {"code": currency.code},
        done=reverse("workspaces:currency_list"),
        failed=reverse("workspaces:currency_detail", args=[currency.pk]))

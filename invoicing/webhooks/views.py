"""Settings → Webhooks (/settings/webhooks/): endpoints, the secret shown once, each
endpoint's delivery log with every attempt, and redelivery. Admins and owners only
(`webhook_manage`); every change goes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors
from workspaces.decorators import workspace_required

from . import services
from .forms import EndpointForm
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

MANAGE = "webhook_manage"
LOG_SIZE = 50


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@workspace_required(MANAGE)
def webhook_list(request):
    form = EndpointForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.webhook_create(workspace=request.workspace, actor=request.user,
                                              **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            form = EndpointForm()
    endpoints = WebhookEndpoint.objects.filter(workspace=request.workspace).order_by("id")
    # The clear secret is rendered in this response only.
    return _no_store(render(request, "webhooks/list.html", {
        "form": form, "endpoints": endpoints, "created": created}))


def _endpoint(request, pk) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, pk=pk, workspace=request.workspace)


@workspace_required(MANAGE)
def webhook_detail(request, pk):
    endpoint = _endpoint(request, pk)
    deliveries = (WebhookDelivery.objects.filter(endpoint=endpoint)
                  .select_related("event").order_by("-id")
                  .prefetch_related(Prefetch("attempts",
                                             queryset=WebhookAttempt.objects.order_by("number")))
                  [:LOG_SIZE])
    return _no_store(render(request, "webhooks/detail.html", {
        "endpoint": endpoint, "deliveries": deliveries, "log_size": LOG_SIZE}))


@workspace_required(MANAGE)
@require_POST
def webhook_toggle(request, pk):
    endpoint = _endpoint(request, pk)
    services.webhook_update(endpoint=endpoint, actor=request.user,
                            is_active=not endpoint.is_active)
    messages.success(request, _("Endpoint enabled.") if not endpoint.is_active
                     else _("Endpoint disabled."))
    return redirect("webhooks:detail", pk=endpoint.pk)


@workspace_required(MANAGE)
@require_POST
def webhook_delete(request, pk):
    services.webhook_delete(endpoint=_endpoint(request, pk), actor=request.user)
    messages.success(request, _("Endpoint removed."))
    return redirect("webhooks:list")


@workspace_required(MANAGE)
@require_POST
def webhook_redeliver(request, pk, delivery_pk):
    endpoint = _endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, endpoint=endpoint)
    try:
        services.webhook_delivery_retry(delivery=delivery, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sent again; the attempt appears in the log."))
    return redirect("webhooks:detail", pk=endpoint.pk)

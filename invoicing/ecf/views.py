"""Settings → Facturación electrónica (/settings/ecf/): the certificate and the DGII
environment. Everyone in the workspace may look; changes need the admin role (MANAGE).
Every change goes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from workspaces.decorators import workspace_required
from workspaces.roles import READ
from workspaces.views import add_form_errors

from . import selectors, services
from .certificates import MAX_FILE_BYTES
from .forms import CertificateForm, EnvironmentForm


def _page(request, *, certificate_form=None, environment_form=None, status=200):
    workspace = request.workspace
    certificate = selectors.certificate_for(workspace)
    environment = selectors.environment_for(workspace)
    response = render(request, "ecf/settings.html", {
        "certificate": certificate,
        "warnings": selectors.certificate_warnings(workspace, certificate),
        "environment": environment,
        "is_electronic_issuer": selectors.is_electronic_issuer(workspace),
        "certificate_form": certificate_form or CertificateForm(),
        "environment_form": environment_form or EnvironmentForm(
            initial={"environment": environment}),
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@workspace_required(READ)
def ecf_settings(request):
    return _page(request)


@sensitive_post_parameters("password")
@workspace_required("ecf_certificate_manage")
@require_POST
def ecf_certificate_install(request):
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            certificate = services.ecf_certificate_install(
                workspace=request.workspace, actor=request.user,
                p12_bytes=form.cleaned_data["file"].read(MAX_FILE_BYTES + 1),
                password=form.cleaned_data["password"])
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Certificate installed: %(subject)s")
                             % {"subject": certificate.subject})
            return redirect("ecf:settings")
    return _page(request, certificate_form=form, status=400)


@workspace_required("ecf_settings_update")
@require_POST
def ecf_environment(request):
    form = EnvironmentForm(request.POST)
    if form.is_valid():
        try:
            services.ecf_settings_update(workspace=request.workspace, actor=request.user,
                                         environment=form.cleaned_data["environment"])
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("DGII environment saved."))
            return redirect("ecf:settings")
    return _page(request, environment_form=form, status=400)


@workspace_required("ecf_certificate_manage")
@require_POST
def ecf_certificate_remove(request):
    try:
        services.ecf_certificate_remove(workspace=request.workspace, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Certificate removed. E-series documents cannot be issued "
                                    "until a new one is installed."))
    return redirect("ecf:settings")

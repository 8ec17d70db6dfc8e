from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ApiKey
from accounts.services import (
    SignupLinks,
    api_key_create,
    api_key_default_role,
    api_key_revoke,
    api_key_roles_for,
    signup_confirm,
    signup_request,
)
from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors

from .decorators import workspace_required
from .forms import (
    ApiKeyForm,
    MemberAddForm,
    MemberRoleForm,
    NewWorkspaceForm,
    SignupForm,
    WorkspaceForm,
)
from .middleware import SESSION_KEY
from .models import Membership
from .roles import MANAGE, READ, Role
from .services import (
    member_add,
    member_change_role,
    member_remove,
    workspace_create,
    workspace_update,
)


@login_required
@require_POST
def switch_workspace(request):
    workspace_id = request.POST.get("workspace_id", "")
    membership = Membership.objects.active().filter(
        user=request.user, workspace_id=workspace_id if workspace_id.isdigit() else 0
    ).select_related("workspace").first()
    if membership is None:
        messages.error(request, _("You are not a member of that workspace."))
    else:
        request.session[SESSION_KEY] = membership.workspace_id
        messages.success(request, _("Now working in %(name)s.") % {"name": membership.workspace})
    return redirect("dashboard")


@workspace_required(READ)
def settings_index(request):
    return render(request, "workspaces/settings_index.html")


@workspace_required(MANAGE)
def workspace_settings(request):
    workspace = request.workspace
    form = WorkspaceForm(request.POST or None, request.FILES or None, instance=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            # The form bound to the instance already assigned cleaned values; services re-apply.
            workspace.refresh_from_db()
            workspace_update(workspace=workspace, actor=request.user, **changed)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Workspace settings saved."))
            return redirect("workspaces:workspace")
    return render(request, "workspaces/workspace_form.html", {"form": form})


@workspace_required(MANAGE)
def members(request):
    form = MemberAddForm(request.POST or None, actor_role=request.workspace_role)
    if request.method == "POST" and form.is_valid():
        try:
            member_add(workspace=request.workspace, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Member added. They can set a password with “Forgot "
                                        "your password?” on the login page."))
            return redirect("workspaces:members")
    memberships = (Membership.objects.filter(workspace=request.workspace)
                   .select_related("user").order_by("user__email"))
    role_form = MemberRoleForm(actor_role=request.workspace_role)
    may_change_owners = request.workspace_role == Role.OWNER
    for membership in memberships:
        # What the page offers; the services decide (they refuse the rest with a message).
        membership.can_remove = may_change_owners or membership.role != Role.OWNER
        membership.can_change = membership.can_remove and membership.user_id != request.user.pk
    return render(request, "workspaces/members.html", {
        "form": form, "memberships": memberships, "role_form": role_form,
    })


@workspace_required(MANAGE)
@require_POST
def member_update(request, pk):
    membership = get_object_or_404(Membership, pk=pk, workspace=request.workspace)
    try:
        if request.POST.get("remove"):
            member_remove(membership=membership, actor=request.user)
            messages.success(request, _("Member removed."))
        else:
            form = MemberRoleForm(request.POST, actor_role=Role.OWNER)  # the service decides
            if form.is_valid():
                member_change_role(membership=membership, actor=request.user,
                                   role=form.cleaned_data["role"])
                messages.success(request, _("Role changed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("workspaces:members")


@workspace_required(MANAGE)
def api_keys(request):
    role = request.workspace_role
    choices = {"roles": api_key_roles_for(role), "initial_role": api_key_default_role(role)}
    form = ApiKeyForm(request.POST or None, **choices)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_key_create(workspace=request.workspace, actor=request.user,
                                    name=form.cleaned_data["name"],
                                    role=form.cleaned_data["role"])
        except DomainError as error:
            add_form_errors(form, error)
        else:
            new_key = issued.clear_key
            form = ApiKeyForm(**choices)
    keys = ApiKey.objects.filter(workspace=request.workspace).select_related("created_by")
    # The clear key is rendered in this response only; it is not stored anywhere.
    response = render(request, "workspaces/api_keys.html",
                      {"form": form, "keys": keys, "new_key": new_key})
    response["Cache-Control"] = "no-store"
    return response


@workspace_required(MANAGE)
@require_POST
def api_key_revoke_view(request, pk):
    key = get_object_or_404(ApiKey, pk=pk, workspace=request.workspace)
    try:
        api_key_revoke(api_key=key, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Key “%(name)s” revoked.") % {"name": key.name})
    return redirect("workspaces:api_keys")


@login_required
def workspace_new(request):
    form = NewWorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = workspace_create(owner=request.user, **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            request.session[SESSION_KEY] = workspace.pk
            messages.success(request, _("Workspace %(name)s created.") % {"name": workspace})
            return redirect("dashboard")
    return render(request, "workspaces/workspace_new.html", {"form": form})


def signup(request):
    if request.user.is_authenticated:
        return redirect("workspaces:new")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signup_request(email=data["email"], password=data["password"], name=data["name"],
                       rnc=data["rnc"], links=SignupLinks(
                           confirm=lambda token: request.build_absolute_uri(
                               reverse("accounts:signup_confirm", args=[token])),
                           login=request.build_absolute_uri(reverse("accounts:login")),
                           password_reset=request.build_absolute_uri(
                               reverse("accounts:password_reset"))))
        # One answer for every address, taken or not (no account enumeration).
        return redirect("accounts:signup_sent")
    return render(request, "workspaces/signup.html", {"form": form})


def signup_sent(request):
    return render(request, "workspaces/signup_sent.html")


def signup_confirm_view(request, token):
    """GET shows a button, POST confirms: a mail scanner opening the link confirms nothing."""
    if request.method == "POST":
        try:
            user, workspace = signup_confirm(token=token)
        except DomainError as error:
            return render(request, "workspaces/signup_confirm.html", {"error": error.message},
                          status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = workspace.pk
        messages.success(request, _("Welcome! Workspace %(name)s is ready.")
                         % {"name": workspace})
        return redirect("dashboard")
    return render(request, "workspaces/signup_confirm.html")

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors
from workspaces.decorators import workspace_required
from workspaces.models import Membership
from workspaces.roles import FISCAL, READ

from . import salesmen
from .models import Salesman


class SalesmanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    commission_rate = forms.DecimalField(label=gettext_lazy("Commission (%)"), max_digits=5,
                                         decimal_places=2, min_value=0, max_value=100,
                                         initial=0)
    user = forms.ModelChoiceField(label=gettext_lazy("Linked user"), required=False,
                                  queryset=Membership.objects.none())
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = Membership.objects.filter(
            workspace=workspace).select_related("user")
        self.fields["user"].label_from_instance = lambda m: m.user.email


@workspace_required(READ)
def salesman_list(request):
    rows = Salesman.objects.for_workspace(request.workspace).select_related("user")
    return render(request, "invoices/salesman_list.html", {"salesmen": rows})


@workspace_required(FISCAL)
def salesman_edit(request, pk=None):
    salesman = get_object_or_404(Salesman, pk=pk, workspace=request.workspace) if pk else None
    initial = {}
    if salesman:
        membership = Membership.objects.filter(workspace=request.workspace,
                                               user_id=salesman.user_id).first()
        initial = {"name": salesman.name, "email": salesman.email,
                   "commission_rate": salesman.commission_rate, "user": membership,
                   "is_active": salesman.is_active}
    form = SalesmanForm(request.POST or None, workspace=request.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        membership = data.pop("user")
        data["user_id"] = membership.user_id if membership else None
        try:
            if salesman:
                salesmen.salesman_update(salesman=salesman, actor=request.user, **data)
            else:
                salesmen.salesman_create(workspace=request.workspace, actor=request.user, **data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Salesman saved."))
            return redirect("invoices:salesman_list")
    return render(request, "invoices/salesman_form.html", {"form": form, "salesman": salesman})

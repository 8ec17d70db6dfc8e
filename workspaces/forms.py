from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Workspace
from .roles import Role


class WorkspaceForm(forms.ModelForm):
    # Typed with or without dashes (1-31-24679-6); the service keeps the digits and checks them.
    rnc = forms.CharField(label=_("RNC"), max_length=20, required=False)

    class Meta:
        model = Workspace
        fields = ["name", "rnc", "address", "phone", "email", "logo", "pdf_footer",
                  "quotation_validity_days"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}),
                   "pdf_footer": forms.Textarea(attrs={"rows": 2})}

    def clean_rnc(self) -> str:
        return "".join(ch for ch in self.cleaned_data.get("rnc", "") if ch.isdigit())


class NewWorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    rnc = forms.CharField(label=_("RNC"), max_length=20, required=False)


class SignupForm(NewWorkspaceForm):
    email = forms.EmailField(label=_("Your email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SELLER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("Which system will use it, e.g. “Tienda online”."))

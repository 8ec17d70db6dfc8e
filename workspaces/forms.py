from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from .models import Workspace
from .roles import Role


class WorkspaceForm(forms.ModelForm):
    # Typed with or without dashes (1-31-24679-6); the service keeps the digits and checks them.
    rnc = forms.CharField(label=_("RNC"), max_length=20, required=False,
                          help_text=_("A persona física issues under its cédula (11 digits)."))

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
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html)

    def clean_rnc(self) -> str:
        # Checked here because the workspace is created only once the email is confirmed.
        from .services import issuer_id_problem

        rnc = "".join(ch for ch in self.cleaned_data.get("rnc", "") if ch.isdigit())
        problem = issuer_id_problem(rnc) if rnc else None
        if problem:
            raise forms.ValidationError(problem)
        return rnc

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            # AUTH_PASSWORD_VALIDATORS, with the email for the similarity check; the same
            # answer whether or not the email has an account.
            probe = get_user_model()(email=(data.get("email") or "").lower())
            try:
                password_validation.validate_password(password, user=probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


def grantable_roles(actor_role: str | None) -> list[tuple[str, str]]:
    """The roles someone with `actor_role` may give (only an owner gives the owner role);
    the member services decide, this only spares the form options they would refuse."""
    return [(value, label) for value, label in Role.choices
            if value != Role.OWNER or actor_role == Role.OWNER]


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SELLER)

    def __init__(self, *args, actor_role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(actor_role)


class MemberRoleForm(MemberAddForm):
    email = None


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("Which system will use it, e.g. “Tienda online”."))
    # Left out, the key gets the default for its creator (admin at most).
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, required=False,
                             help_text=_("What the key may do; never more than your role."))

    def __init__(self, *args, roles: list[str], initial_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices
                                       if value in roles]
        self.fields["role"].initial = initial_role

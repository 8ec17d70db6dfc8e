from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from . import throttle

LOCKED = _("Too many failed attempts. Wait a few minutes and try again, or reset your password.")


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(
        attrs={"autofocus": True, "autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Email or password is not correct."),
        "locked": LOCKED,
        "inactive": _("This account is inactive."),
    }

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email = (self.cleaned_data.get("email") or "").lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        address = throttle.client_address(self.request)
        if throttle.is_locked(email, address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        user = authenticate(self.request, email=email, password=password)
        if user is None:
            throttle.record_failure(email, address)
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        throttle.reset(email, address)
        self.user = user
        return self.cleaned_data


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login, under the same throttle as the app's (same counters: failures on
    either page count towards one lockout)."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": LOCKED}

    def clean(self):
        email = (self.cleaned_data.get("username") or "").lower()
        if not email or not self.cleaned_data.get("password"):
            return super().clean()
        address = throttle.client_address(self.request)
        if throttle.is_locked(email, address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(email, address)
            raise
        throttle.reset(email, address)
        return cleaned

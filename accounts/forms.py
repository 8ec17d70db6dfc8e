from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from . import throttle


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(
        attrs={"autofocus": True, "autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Email or password is not correct."),
        "locked": _("Too many failed attempts. Wait a few minutes and try again, or reset "
                    "your password."),
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

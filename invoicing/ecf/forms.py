from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Environment


class CertificateForm(forms.Form):
    file = forms.FileField(label=_("Certificate file (.p12 / .pfx)"))
    password = forms.CharField(label=_("Password"), required=False, strip=False,
                               widget=forms.PasswordInput(render_value=False))


class EnvironmentForm(forms.Form):
    environment = forms.ChoiceField(label=_("DGII environment"), choices=Environment.choices)

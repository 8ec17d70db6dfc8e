from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EVENT_TYPES


class EndpointForm(forms.Form):
    url = forms.CharField(label=_("URL"), max_length=500,
                          widget=forms.URLInput(attrs={"placeholder": "https://…"}),
                          help_text=_("Receives a signed POST for each event (http or https)."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=[(e, e) for e in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple, initial=list(EVENT_TYPES))

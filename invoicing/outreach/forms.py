from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency, Language, OutreachSettings, RecurringMode


class SendForm(forms.Form):
    to = forms.CharField(label=_("To"), max_length=2000,
                         help_text=_("Separate several addresses with commas."))
    cc = forms.CharField(label=_("Cc"), max_length=2000, required=False)
    message = forms.CharField(label=_("Message"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class OutreachSettingsForm(forms.ModelForm):
    reminder_days = forms.CharField(
        label=_("Reminder days"), required=False,
        help_text=_("Days from the due date, comma-separated: -3 is three days before, 0 the "
                    "due date, 7 a week after."))

    class Meta:
        model = OutreachSettings
        fields = ["language", "email_message", "link_lifetime_days", "reminders_enabled",
                  "reminder_days", "reminder_message"]
        widgets = {"language": forms.Select(choices=Language.choices),
                   "email_message": forms.Textarea(attrs={"rows": 3}),
                   "reminder_message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and not self.is_bound:
            self.initial["reminder_days"] = ", ".join(str(d) for d in self.instance.days)

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data.get("reminder_days") or ""
        try:
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Whole numbers separated by commas.")) from None


class RecurringForm(forms.Form):
    contact = forms.ChoiceField(label=_("Customer"))
    document_subtype = forms.ChoiceField(label=_("Series"))
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    interval = forms.IntegerField(label=_("Every"), min_value=1, max_value=36, initial=1)
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(label=_("Create as"), choices=RecurringMode.choices,
                             initial=RecurringMode.ISSUED)
    send = forms.BooleanField(label=_("Email it to the customer"), required=False)
    description = forms.CharField(label=_("Description"), max_length=500)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, initial=1,
                                  decimal_places=4, max_digits=14)
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=0, decimal_places=2,
                                    max_digits=14)
    tax = forms.ChoiceField(label=_("Tax"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contacts=(), subtypes=(), taxes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [(c.pk, c.name) for c in contacts]
        self.fields["document_subtype"].choices = [(s.pk, str(s)) for s in subtypes]
        self.fields["tax"].choices = [("", "—")] + [(t.pk, t.name) for t in taxes]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        item = {"description": data["description"], "quantity": str(data["quantity"]),
                "unit_price": str(data["unit_price"]),
                "tax_ids": [int(data["tax"])] if data.get("tax") else []}
        return {"contact_id": int(data["contact"]),
                "document_subtype_id": int(data["document_subtype"]),
                "frequency": data["frequency"], "interval": data["interval"],
                "start_date": data["start_date"], "end_date": data.get("end_date"),
                "mode": data["mode"], "send": data["send"], "notes": data.get("notes", ""),
                "items": [item]}

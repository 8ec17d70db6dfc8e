# Placeholder routes; the app replaces them with its pages.
from django.urls import path
from django.views.generic import TemplateView

app_name = "fiscal"


def _placeholder(title):
    return TemplateView.as_view(template_name="core/placeholder.html",
                                extra_context={"title": title})


urlpatterns = [
    path("subtypes/", _placeholder("subtype_list"), name="subtype_list"),
    path("taxes/", _placeholder("tax_list"), name="tax_list"),
]

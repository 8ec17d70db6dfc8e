# Placeholder routes; the app replaces them with its pages.
from django.urls import path
from django.views.generic import TemplateView

app_name = "invoices"


def _placeholder(title):
    return TemplateView.as_view(template_name="core/placeholder.html",
                                extra_context={"title": title})


urlpatterns = [
    path("", _placeholder("list"), name="list"),
    path("new/", _placeholder("new"), name="new"),
    path("salesmen/", _placeholder("salesman_list"), name="salesman_list"),
]

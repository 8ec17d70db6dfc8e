"""Settings pages under /settings/fiscal/ (URL names used by templates are kept:
`fiscal:subtype_list`, `fiscal:tax_list`)."""

from django.urls import path

from . import views

app_name = "fiscal"

urlpatterns = [
    path("subtypes/", views.subtype_list, name="subtype_list"),
    path("subtypes/new/", views.subtype_create, name="subtype_create"),
    path("subtypes/<int:pk>/", views.subtype_edit, name="subtype_edit"),
    path("subtypes/<int:pk>/range/", views.subtype_range, name="subtype_range"),
    path("subtypes/<int:pk>/delete/", views.subtype_delete, name="subtype_delete"),
    path("taxes/", views.tax_list, name="tax_list"),
    path("taxes/new/", views.tax_create, name="tax_create"),
    path("taxes/<int:pk>/", views.tax_edit, name="tax_edit"),
    path("taxes/<int:pk>/delete/", views.tax_delete, name="tax_delete"),
]

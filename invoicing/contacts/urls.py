from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="new"),
    path("check-tax-id/", views.check_tax_id, name="check_tax_id"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/active/", views.contact_set_active, name="set_active"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
]

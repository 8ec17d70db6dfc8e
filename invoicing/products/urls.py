from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="new"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/movements/", views.movement_record, name="record_movement"),
    path("<int:pk>/active/", views.product_set_active, name="set_active"),
    path("<int:pk>/delete/", views.product_delete, name="delete"),
]

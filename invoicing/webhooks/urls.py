from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<int:pk>/", views.webhook_detail, name="detail"),
    path("<int:pk>/toggle/", views.webhook_toggle, name="toggle"),
    path("<int:pk>/delete/", views.webhook_delete, name="delete"),
    path("<int:pk>/deliveries/<int:delivery_pk>/retry/", views.webhook_redeliver,
         name="redeliver"),
]

from django.urls import path

from . import views

app_name = "ecf"

urlpatterns = [
    path("", views.ecf_settings, name="settings"),
    path("certificate/", views.ecf_certificate_install, name="certificate_install"),
    path("environment/", views.ecf_environment, name="environment"),
    path("certificate/remove/", views.ecf_certificate_remove, name="certificate_remove"),
]

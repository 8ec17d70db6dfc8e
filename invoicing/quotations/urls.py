from django.urls import path

from . import views

app_name = "quotations"

urlpatterns = [
    path("", views.quotation_list, name="list"),
    path("new/", views.quotation_new, name="new"),
    path("<int:pk>/", views.quotation_detail, name="detail"),
    path("<int:pk>/edit/", views.quotation_edit, name="edit"),
    path("<int:pk>/accept/", views.quotation_accept_view, name="accept"),
    path("<int:pk>/reject/", views.quotation_reject_view, name="reject"),
    path("<int:pk>/convert/", views.quotation_convert_view, name="convert"),
    path("<int:pk>/delete/", views.quotation_delete_view, name="delete"),
    path("<int:pk>/pdf/", views.quotation_pdf, name="pdf"),
]

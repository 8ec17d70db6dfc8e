from django.urls import path

from . import salesmen_views, views

app_name = "invoices"

urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("new/", views.invoice_new, name="new"),
    path("<int:pk>/", views.invoice_detail, name="detail"),
    path("<int:pk>/edit/", views.invoice_edit, name="edit"),
    path("<int:pk>/issue/", views.invoice_issue_view, name="issue"),
    path("<int:pk>/cancel/", views.invoice_cancel_view, name="cancel"),
    path("<int:pk>/delete/", views.invoice_delete_view, name="delete"),
    path("<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("<int:pk>/payments/<int:payment_pk>/delete/", views.payment_remove,
         name="payment_delete"),
    path("<int:pk>/pdf/", views.invoice_pdf, name="pdf"),
    path("salesmen/", salesmen_views.salesman_list, name="salesman_list"),
    path("salesmen/new/", salesmen_views.salesman_edit, name="salesman_new"),
    path("salesmen/<int:pk>/", salesmen_views.salesman_edit, name="salesman_edit"),
]

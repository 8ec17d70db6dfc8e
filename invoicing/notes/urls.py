from django.urls import path

from . import views

app_name = "notes"

urlpatterns = [
    path("", views.note_list, name="list"),
    path("<int:pk>/", views.note_detail, name="detail"),
    path("<int:pk>/pdf/", views.note_pdf, name="pdf"),
    path("<int:pk>/cancel/", views.note_cancel_view, name="cancel"),
    path("credit/new/<int:invoice_pk>/", views.credit_note_new, name="credit_new"),
    path("debit/new/<int:invoice_pk>/", views.debit_note_new, name="debit_new"),
]

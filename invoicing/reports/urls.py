from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("sales/", views.sales_page, name="sales"),
    path("receivables/", views.receivables_page, name="receivables"),
    path("itbis/", views.itbis_page, name="itbis"),
    path("payments/", views.payments_page, name="payments"),
    path("statement/", views.statement_page, name="statement"),
    path("statement/pdf/", views.statement_pdf, name="statement_pdf"),
    path("dgii/", views.dgii_page, name="dgii"),
    path("dgii/607/", views.dgii_download, {"report": "607"}, name="dgii_607"),
    path("dgii/608/", views.dgii_download, {"report": "608"}, name="dgii_608"),
]

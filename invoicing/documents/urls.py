from django.urls import path

from . import editor

app_name = "documents"

urlpatterns = [
    path("line-row/", editor.line_row, name="line_row"),
    path("preview/", editor.preview, name="preview"),
]

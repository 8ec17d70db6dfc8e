"""The app has its own icon, served from static/ (no CDN): every page links it, and
/favicon.ico (what browsers ask for on their own) leads to it."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_links_the_apps_own_icon(logged_in_client):
    client = Client()
    for page in (client.get(reverse("accounts:login")), logged_in_client.get("/")):
        html = page.content.decode()
        assert '<link rel="icon" href="/static/favicon' in html and 'image/svg+xml' in html
    icon = client.get("/favicon.ico")
    assert icon.status_code == 302 and icon.url.startswith("/static/favicon")
    assert icon.url.endswith(".svg")
    path = finders.find("favicon.svg")
    assert path and Path(path).read_text().startswith("<svg")

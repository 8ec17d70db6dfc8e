"""The weekly refresh of DGII's registry: beat schedules it only when the deployment sets
`DGII_RNC_URL`; the task downloads the ZIP (from a file host on loopback here) and imports
it; a failed download or a file that is not the registry changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from invoicing.contacts.models import RncImport, RncRegistryEntry
from invoicing.contacts.tasks import rnc_refresh
from tests.contacts.test_registry_import import SAMPLE, zipped
from tests.fakes.file_server import FileServer

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def dgii():
    with FileServer() as server:
        yield server


def test_the_task_downloads_the_zip_and_imports_it(dgii, settings, tmp_path):
    dgii.files["/datos/DGII_RNC.zip"] = (200, zipped(tmp_path).read_bytes())
    settings.DGII_RNC_URL = f"{dgii.url}/datos/DGII_RNC.zip"
    counts = rnc_refresh.apply().get()
    assert dgii.requests == ["/datos/DGII_RNC.zip"]
    assert counts["created"] == 4 and counts["skipped"]["repeated"] == 1
    assert RncRegistryEntry.objects.get(pk="131246796").name == "CONSTRUCTORA BISONÓ, SRL"
    assert RncImport.objects.get().source == settings.DGII_RNC_URL


def test_the_plain_text_file_works_too(dgii, settings):
    dgii.files["/DGII_RNC.TXT"] = (200, SAMPLE.read_bytes())
    counts = rnc_refresh.apply(kwargs={"url": f"{dgii.url}/DGII_RNC.TXT"}).get()
    assert counts["created"] == 4


def test_a_failed_download_is_retried_later(dgii):
    from celery.exceptions import Retry

    dgii.files["/gone.zip"] = (503, b"Servicio no disponible")
    with pytest.raises(Retry):
        rnc_refresh.apply(kwargs={"url": f"{dgii.url}/gone.zip"}, throw=True)
    assert not RncImport.objects.exists()


def test_an_http_error_or_an_error_page_changes_nothing(dgii):
    from invoicing.contacts.services import rnc_registry_refresh
    from invoicing.core.errors import InvalidInput

    dgii.files["/DGII_RNC.TXT"] = (200, SAMPLE.read_bytes())
    rnc_registry_refresh(url=f"{dgii.url}/DGII_RNC.TXT")
    before = list(RncRegistryEntry.objects.values_list("tax_id", "name"))

    dgii.files["/gone.zip"] = (503, b"Servicio no disponible")
    with pytest.raises(requests.HTTPError):
        rnc_registry_refresh(url=f"{dgii.url}/gone.zip")
    dgii.files["/page.zip"] = (200, b"<html><body>Mantenimiento</body></html>")
    with pytest.raises(InvalidInput):
        rnc_registry_refresh(url=f"{dgii.url}/page.zip")
    assert list(RncRegistryEntry.objects.values_list("tax_id", "name")) == before
    assert RncImport.objects.count() == 1


def test_without_a_url_the_task_does_nothing(settings):
    settings.DGII_RNC_URL = ""
    assert rnc_refresh.apply().get() is None
    assert not RncImport.objects.exists()


def beat_schedule(**env) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"DGII_RNC_URL", "REDIS_URL"}}
    code = ("import django; django.setup(); from django.conf import settings; "
            "entry = settings.CELERY_BEAT_SCHEDULE.get('contacts-rnc-refresh'); "
            "print(entry and (entry['task'], str(entry['schedule'])))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env={**base, "DJANGO_SETTINGS_MODULE": "invoicing.settings", **env})
    assert result.returncode == 0 or env, result.stderr
    return result.stdout.strip() + result.stderr


@pytest.mark.parametrize("env, expected", [
    ({}, "None"),
    ({"DGII_RNC_URL": "https://dgii.example/DGII_RNC.zip"}, "('contacts.rnc_refresh'"),
    ({"DGII_RNC_URL": "ftp://dgii.example/DGII_RNC.zip"}, "DGII_RNC_URL"),
])
def test_beat_refreshes_weekly_only_when_the_url_is_set(env, expected):
    output = beat_schedule(**env)
    assert expected in output
    if env.get("DGII_RNC_URL", "").startswith("https"):
        assert "day_of_week=sunday" in output or "sunday" in output.lower(), output

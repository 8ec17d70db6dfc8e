"""Production, as README "Production" describes it: the Procfile's release step on a fresh
PostgreSQL database, then two gunicorn processes and two Celery workers sharing that database,
one Redis (broker and cache) and S3-compatible storage (moto's server on loopback), with DEBUG
off and collected static files.

Through each web process: the login page and its assets, a login, the dashboard, /api/docs/;
invoices issued through both; the workers render their PDFs into the bucket, each stored
once, and either web process serves each one from there. Every process is stopped and the
database dropped even when the test fails.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from PIL import Image

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "facturas-test"
PASSWORD = "una-clave-de-produccion-1"
# A Redis database of its own on the suite's server: broker and cache of this run only.
REDIS_DB = 9


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, what: str, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"{what}: {process.args[:3]} exited with "
                                     f"{process.returncode}; see its log in {process.log}")
        try:
            if condition():
                return
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Processes:
    """Subprocesses with their output in log files; all stopped on exit, whatever happened."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.env, self.started = workdir, env, []

    def start(self, name: str, *cmd: str) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("w")
        process = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        process.log = log.name
        self.started.append((process, log))
        return process

    def run(self, command: str, timeout: float = 120) -> str:
        result = subprocess.run(command, shell=True, cwd=ROOT, env=self.env, text=True,
                                capture_output=True, timeout=timeout)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def stop_all(self) -> None:
        for process, _log in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _database_urls() -> tuple[str, str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("the production-start test needs DATABASE_URL on PostgreSQL (make test)")
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'invoicing'}_prodstart_{secrets.token_hex(3)}"
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis://"):
        pytest.fail("the production-start test needs REDIS_URL (make test)")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


@pytest.fixture
def stack(tmp_path):
    import boto3
    import psycopg
    import redis
    from cryptography.fernet import Fernet

    admin_url, database_url, database = _database_urls()
    redis_url = _redis_url()
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')

    s3_port = free_port()
    media = tmp_path / "media"
    media.mkdir()
    env = {
        **{k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "PYTEST", "TEST_DATABASE"))},
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "invoicing.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ECF_KEY_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS proxy in front here.
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"prodstart-{secrets.token_hex(3)}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(media),
        "FILE_STORAGE": "storages.backends.s3.S3Storage",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_REGION_NAME": "us-east-1",
        "LOG_LEVEL": "WARNING",
    }
    procs = Processes(tmp_path, env)
    try:
        moto = procs.start("moto", str(BIN / "moto_server"), "-H", "127.0.0.1",
                           "-p", str(s3_port))
        s3 = boto3.client("s3", endpoint_url=env["AWS_S3_ENDPOINT_URL"],
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          region_name="us-east-1")
        wait_until(lambda: requests.get(env["AWS_S3_ENDPOINT_URL"], timeout=1).ok, 20,
                   "moto's S3 server", [moto])
        s3.create_bucket(Bucket=BUCKET)

        # The release step, exactly as the Procfile has it.
        release = next(line.split(":", 1)[1] for line in (ROOT / "Procfile").read_text()
                       .splitlines() if line.startswith("release:"))
        procs.run(release.replace("python ", f"{shlex.quote(sys.executable)} "), timeout=180)
        assert (tmp_path / "static" / "staticfiles.json").exists()

        created = json.loads(procs.run(
            f"{shlex.quote(sys.executable)} manage.py create_workspace 'Acme Producción SRL' "
            f"--owner owner@example.com --password {PASSWORD} --rnc 131246796"
        ).strip().splitlines()[-1])

        webs = []
        for n in (1, 2):
            port = free_port()
            procs.start(f"web{n}", str(BIN / "gunicorn"), "invoicing.wsgi:application",
                        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60")
            webs.append(f"http://127.0.0.1:{port}")
        workers = [procs.start(f"worker{n}", str(BIN / "celery"), "-A", "invoicing", "worker",
                               "-P", "solo", "-n", f"worker{n}@%h", "-l", "info")
                   for n in (1, 2)]
        for base in webs:
            wait_until(lambda base=base: requests.get(f"{base}/accounts/login/",
                                                      timeout=2).status_code == 200,
                       40, f"gunicorn at {base}", [p for p, _ in procs.started])
        for worker in workers:
            wait_until(lambda worker=worker: " ready." in Path(worker.log).read_text(), 40,
                       f"Celery worker {worker.log}", [worker])
        yield {"webs": webs, "s3": s3, "api_key": created["api_key"],
               "workspace_id": created["workspace_id"], "media": media}
    finally:
        procs.stop_all()
        broker.flushdb()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def log_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    assert page.status_code == 200
    # Collected, hashed assets served by whitenoise from STATIC_ROOT.
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text):
        assert re.search(r"\.[0-9a-f]{12}\.", asset), asset
        assert session.get(f"{base}{asset}", timeout=10).status_code == 200, asset
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/accounts/login/", allow_redirects=False, timeout=10,
                            data={"csrfmiddlewaretoken": token, "email": "owner@example.com",
                                  "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]
    return session


def test_two_web_processes_and_two_workers_share_database_broker_and_storage(stack):
    webs, s3 = stack["webs"], stack["s3"]
    sessions = {}
    for base in webs:
        session = sessions[base] = log_in(base)
        dashboard = session.get(f"{base}/", timeout=10)
        assert dashboard.status_code == 200 and "Acme Producción SRL" in dashboard.text
        docs = session.get(f"{base}/api/docs/", timeout=10)
        assert docs.status_code == 200 and "Content-Security-Policy" in docs.headers
        for src in re.findall(r'<script src="([^"]+)"', docs.text):
            script = session.get(f"{base}{src.replace('&amp;', '&')}", timeout=10)
            assert script.status_code == 200, src

    # A logo uploaded through one web process lands in the bucket, not on local disk.
    base = webs[0]
    form = sessions[base].get(f"{base}/settings/workspace/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    logo = io.BytesIO()
    Image.new("RGB", (40, 20), (20, 90, 160)).save(logo, "PNG")
    saved = sessions[base].post(f"{base}/settings/workspace/", timeout=10,
                                allow_redirects=False, headers={"Referer": base},
                                data={"csrfmiddlewaretoken": token,
                                      "name": "Acme Producción SRL", "rnc": "131246796",
                                      "quotation_validity_days": "15"},
                                files={"logo": ("logo.png", logo.getvalue(), "image/png")})
    assert saved.status_code == 302, saved.text[:500]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert any(key.startswith("logos/") for key in keys), keys

    # Invoices issued through both web processes, with the key create_workspace printed.
    api = {base: {"Authorization": f"Bearer {stack['api_key']}"} for base in webs}
    subtypes = requests.get(f"{webs[0]}/api/v1/document-subtypes?per_page=100",
                            headers=api[webs[0]], timeout=10).json()["results"]
    plain = next(s for s in subtypes if s.get("prefix") == "INV-")
    contact = requests.post(f"{webs[1]}/api/v1/contacts", headers=api[webs[1]], timeout=10,
                            json={"name": "Ferretería Ochoa SRL", "tax_id": "101850043"})
    assert contact.status_code == 201, contact.text
    invoices = []
    for n, base in enumerate(webs * 2):
        created = requests.post(f"{base}/api/v1/invoices", headers=api[base], timeout=20, json={
            "contact_id": contact.json()["id"], "document_subtype_id": plain["id"],
            "items": [{"description": f"Servicio {n}", "quantity": "1",
                       "unit_price": "1000.00"}]})
        assert created.status_code == 201, created.text
        invoices.append(created.json())
    assert sorted(i["document_number"] for i in invoices) == [
        "INV-0001", "INV-0002", "INV-0003", "INV-0004"]

    def stored(invoice) -> list[dict]:
        prefix = f"pdfs/{stack['workspace_id']}/invoice-{invoice['id']}/"
        return s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])

    # The workers render them in the background, into the bucket.
    wait_until(lambda: all(stored(invoice) for invoice in invoices), 40, "the PDFs in S3")
    for invoice in invoices:
        objects = stored(invoice)
        assert len(objects) == 1, objects
        content = s3.get_object(Bucket=BUCKET, Key=objects[0]["Key"])["Body"].read()
        for base in webs:
            served = requests.get(f"{base}/api/v1/invoices/{invoice['id']}/pdf",
                                  headers=api[base], timeout=20)
            assert served.status_code == 200
            assert served.headers["Content-Type"] == "application/pdf"
            assert served.content == content  # the stored file, not another render
        assert len(stored(invoice)) == 1
    assert not any(stack["media"].rglob("*")), "nothing is written to the local media folder"

"""Every answer carries the Content-Security-Policy; signed-in pages and API answers are
`Cache-Control: no-store`; no template needs inline script or style."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from invoicing.core.headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_policy_allows_only_our_own_resources(client):
    policy = directives(client.get(reverse("accounts:login")))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/", "/invoices/", "/settings/members/", "/admin/",
                                  "/api/v1/currencies", "/api/docs/", "/no-such-page/"])
def test_signed_in_answers_have_the_policy_and_are_not_stored(logged_in_client, owner, path):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    response = logged_in_client.get(path)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["Cache-Control"] == "no-store"


def test_every_api_answer_is_not_stored(client, api):
    for response in (api.get("/api/v1/currencies"), client.get("/api/v1/currencies"),
                     api.get("/api/v1/nothing-here"), client.get("/api/v1/schema/")):
        assert response["Cache-Control"] == "no-store", response.status_code
        assert "Content-Security-Policy" in response


def test_public_pages_and_static_files_keep_their_caching(client):
    login = client.get(reverse("accounts:login"))
    assert "Content-Security-Policy" in login
    assert login["Cache-Control"] != "no-store"  # never_cache's own header
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.get("Cache-Control", "")


def test_api_docs_load_their_start_up_script_from_a_url(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html) and "<style" not in html
    start_up = next(src for src in re.findall(r'<script src="([^"]+)"', html)
                    if "script=" in src)
    script = client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert script["Content-Type"].startswith("application/javascript")


INLINE = [
    (INLINE_SCRIPT, "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
]


@pytest.mark.parametrize("template", sorted(
    p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.relative_to(TEMPLATES).parts),
    ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_need_no_inline_script_or_style(template):
    # PDFs are rendered by xhtml2pdf, not a browser: the policy does not apply to them.
    text = template.read_text()
    found = [label for pattern, label in INLINE if pattern.search(text)]
    assert not found, f"{template.name}: {found}"

"""The README and `docs/` stand on their own in a clone of the repository: every relative
link points at a file inside it that exists (and at a heading that exists), every absolute
link is a public http(s) site, paths named in backticks exist, and nothing outside the tests
points at the specs kept beside the repository (the folder `shared` one level up).
`/docs/` serves the guides, and the API's interactive documentation links to them."""

from __future__ import annotations

import ipaddress
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A relative link to the specs folder one level up (built from parts so this file itself
# does not point there).
OUTSIDE_SPECS = "/".join(["..", "shared"])
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_BLOCK = re.compile(r"```.*?```", re.S)
# Repository paths written in backticks (`invoicing/core/outbox.py`, `tests/webhooks/`).
PATH = re.compile(r"`((?:invoicing|tests|accounts|workspaces|docs|scripts|templates|static|"
                  r"bench)/[A-Za-z0-9_./-]*?)(?:::[A-Za-z0-9_.]+)?`")


def _text(page: Path) -> str:
    return CODE_BLOCK.sub("", page.read_text())


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for line in CODE_BLOCK.sub("", page.read_text())
            .splitlines() if line.startswith("#")}


def test_the_guides_exist():
    names = {page.name for page in PAGES}
    assert {"api.md", "webhooks.md", "domain.md", "deployment.md", "README.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_stay_in_the_repository_or_go_to_public_sites(page):
    problems = []
    for target in LINK.findall(_text(page)):
        parts = urlsplit(target)
        if parts.scheme in ("http", "https"):
            host = parts.hostname or ""
            try:
                private = not ipaddress.ip_address(host).is_global
            except ValueError:
                private = host in ("localhost", "") or host.endswith((".local", ".internal"))
            if private:
                problems.append(f"{target}: not a public site")
            continue
        if parts.scheme or target.startswith("//"):
            problems.append(f"{target}: only http(s) or relative links")
            continue
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{target}: leaves the repository")
        elif not resolved.exists():
            problems.append(f"{target}: no such file")
        elif fragment and resolved.suffix == ".md" and fragment not in _anchors(resolved):
            problems.append(f"{target}: no such heading")
    assert problems == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_paths_named_in_the_text_exist(page):
    # Files a command writes (`bench/results.json`) are named in .gitignore.
    generated = {line.strip().lstrip("/") for line in
                 (ROOT / ".gitignore").read_text().splitlines() if line.strip()}
    missing = [path for path in PATH.findall(_text(page))
               if "…" not in path and path not in generated and not (ROOT / path).exists()]
    assert missing == []


def test_nothing_outside_the_tests_points_at_the_specs_beside_the_repository():
    try:
        listed = subprocess.run(["git", "grep", "-l", "-F", OUTSIDE_SPECS], cwd=ROOT,
                                capture_output=True, text=True, check=False)
    except FileNotFoundError:
        pytest.skip("git is not installed")
    if listed.returncode not in (0, 1):
        pytest.skip("not a git checkout")
    offending = [name for name in listed.stdout.splitlines() if not name.startswith("tests/")]
    assert offending == []


def test_the_guides_are_served_and_linked_from_the_api_docs(client, db):
    index = client.get("/docs/")
    assert index.status_code == 200
    assert index["Content-Type"] == "text/plain; charset=utf-8"
    assert b"API guide" in index.content
    assert b"Standard Webhooks" in client.get("/docs/webhooks.md").content
    for bad in ("/docs/nothing.md", "/docs/..%2FREADME.md", "/docs/../manage.py"):
        assert client.get(bad).status_code == 404, bad
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "(/docs/)" in schema["info"]["description"]

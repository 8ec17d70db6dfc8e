"""The guides of `docs/` served as they are in the repository (plain text, no login: they hold
nothing secret), so `/api/docs/` can link to them and their relative links keep working."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse


def guide(request, name: str = "README.md"):
    folder = Path(settings.BASE_DIR) / "docs"
    available = {path.name for path in folder.glob("*.md")}
    if name not in available:  # only the folder's own files, by exact name
        raise Http404
    response = HttpResponse((folder / name).read_bytes(),
                            content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response

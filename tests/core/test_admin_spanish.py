"""The admin in Spanish has no English left: the index (app and model names) and every
changelist (columns, filters, actions) of the demo workspace, walked as its admin sees it,
with none of the English words the admin used to show ("Idempotency records", "Workspace",
"Stock revision", "Created at"…)."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(Workspace|Idempotency|records?|Stock revision|Created|Updated|"
                     r"Position|Product|Invoice|Quotation|User|Currency|System|Recurring|"
                     r"runs?|Actor|Target|Payment|Endpoint|Delivery|Template|Period|Status|"
                     r"Kind|Environment|Purpose|Language|Subject|Token|Event|Import run|"
                     r"Search text|Sequence|Messages|by (kind|status|purpose|environment)|"
                     r"ecf type|key hash|outbox)\b")


class _Text(HTMLParser):
    """The visible text of the page's content (not scripts, not the header)."""

    def __init__(self):
        super().__init__()
        self.depth, self.skip, self.parts = 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if dict(attrs).get("id") == "content" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip and data.strip():
            self.parts.append(data.strip())


# Django stores permission names in English when it creates them ("Can add invoice"); the
# user form's permission list shows them as stored, whatever the language.
PERMISSION = re.compile(r"\| Can (add|change|delete|view) ")


def _english(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [text for text in parser.parts
            if ENGLISH.search(text) and not PERMISSION.search(text)]


def test_the_admin_index_and_every_changelist_are_all_spanish(client):
    from accounts.models import User
    from workspaces.management.commands.seed_demo import DEMO_EMAIL

    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(email=DEMO_EMAIL))
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es")
    html = index.content.decode()
    assert index.status_code == 200 and "Empresas" in html
    found = {"/admin/": _english(html)} if _english(html) else {}
    changelists = sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', html)))
    assert len(changelists) > 25

    for url in changelists:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert page.status_code == 200, url
        english = _english(page.content.decode())
        # One row of each (its change page: the form's labels and fieldsets).
        row = re.search(rf'href="({re.escape(url)}\d+/change/)', page.content.decode())
        if row:
            english += _english(client.get(row.group(1), HTTP_ACCEPT_LANGUAGE="es")
                                .content.decode())
        if english:
            found[url] = english
    assert found == {}

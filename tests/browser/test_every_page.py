"""Every staff page (walked from the URL names, tests/browser/pages.py) on the demo data:
at 390 px (a phone) no page is wider than the screen, and a screenshot of each page at
desktop (1280 px) and phone width lands in test-artifacts/pages/ for anyone to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, is_csp_violation, login
from tests.browser.pages import page_urls, seed_demo

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = ARTIFACTS / "pages"

# What sticks out past the right edge, for the failure message.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const doc = document.scrollingElement.scrollWidth;
  if (doc <= width) return null;
  const culprits = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && el.offsetParent !== null) {
      let scroller = el.parentElement, inside = false;
      while (scroller && scroller !== document.body) {
        const style = getComputedStyle(scroller);
        if (/(auto|scroll|hidden)/.test(style.overflowX)) { inside = true; break; }
        scroller = scroller.parentElement;
      }
      if (!inside) culprits.push(el.tagName.toLowerCase() +
        (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string"
          ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
        " right=" + Math.round(box.right));
    }
    if (culprits.length >= 5) break;
  }
  return {doc: doc, width: width, culprits: culprits};
}"""

# Pages the walk must reach: if one disappears (renamed, broken) the test says so.
MUST_VISIT = {
    "dashboard", "invoices:list", "invoices:new", "invoices:detail", "invoices:edit",
    "quotations:list", "quotations:new", "quotations:detail", "contacts:list", "contacts:new",
    "contacts:detail", "contacts:edit", "products:list", "products:new", "products:detail",
    "fiscal:subtype_list", "fiscal:subtype_range", "fiscal:tax_list",
    "workspaces:index", "workspaces:currency_list", "workspaces:currency_detail",
    "workspaces:members", "accounts:login",
}


def _context(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, locale="es-DO", viewport=viewport)
    context.csp_violations = []
    return context


def _visit(page, url: str):
    """The page at `url` when it is one (200, HTML, no redirect), else None. Asked first
    with the context's own request client: a browser navigation to an empty 405 leaves the
    tab on chromium's error page."""
    probe = page.request.get(url, max_redirects=0)
    if probe.status != 200 or "text/html" not in (probe.headers.get("content-type") or ""):
        return None
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    return response


def test_every_page_fits_a_phone_and_is_photographed(browser, live_server, transactional_db):
    workspace = seed_demo()
    urls = page_urls(workspace)
    SHOTS.mkdir(parents=True, exist_ok=True)
    too_wide, visited, violations = [], set(), []
    for width_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for logged_out in (True, False):
            context = _context(browser, live_server, viewport)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("console", lambda m, p=page: is_csp_violation(m.text)
                    and violations.append(f"{p.url}: {m.text}"))
            if not logged_out:
                login(page, "demo@example.com", "demo")
            for entry in urls:
                if entry.logged_out != logged_out:
                    continue
                if _visit(page, entry.url) is None:
                    continue
                visited.add(entry.name)
                page.screenshot(path=str(SHOTS / f"{entry.slug}-{width_name}.png"),
                                full_page=True)
                if width_name == "phone":
                    overflow = page.evaluate(OVERFLOW)
                    if overflow:
                        too_wide.append(f"{entry.name} {entry.url}: {overflow}")
            context.close()
    assert visited >= MUST_VISIT, f"not reached: {sorted(MUST_VISIT - visited)}"
    assert not too_wide, "wider than a 390 px phone:\n" + "\n".join(too_wide)
    assert not violations, "\n".join(violations)

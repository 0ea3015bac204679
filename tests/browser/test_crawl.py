"""The crawl: every kind of page of the demo site, at 390 and 1366 px, checked by real tools.

For each page (public pages of every type, the catalogue with filters, site search, the sign-in and account
pages, the family area, the register form, the accessibility report form, the error pages):
- axe-core finds no WCAG 2.1 A/AA violation, at both widths;
- no visible label's box overlaps another label, a heading, a legend or another form control (forms in
  Bootstrap Italia's pattern: a floating label must never sit over the title or the field above it), at both
  widths, with folded panels (the catalogue's «Filtri») closed and then open;
- the Nu HTML Checker finds no error in the HTML the server sent.
At 1366 px the main menu's top-level items share one line.
"""

import re

import pytest
from django.test import RequestFactory
from wagtail.models import Page

from tests.browser.axe import axe_violations, format_violations
from tests.htmlcheck import html_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)
FAMILY_EMAIL = "famiglia@milano018.example"
DEMO_PASSWORD = "milano018-demo"

#: Boxes of visible labels against those of the other labels, headings, legends and controls of the main content.
OVERLAPS = """() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden" && style.opacity !== "0"
      && !el.closest(".visually-hidden, [hidden], .m018-hp");
  };
  const name = (el) => {
    const text = (el.textContent || el.name || "").trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} «${text}»`;
  };
  const labels = [...document.querySelectorAll("main label")].filter(shown);
  const others = [...document.querySelectorAll(
    "main label, main h1, main h2, main h3, main h4, main h5, main h6, main legend, " +
    "main input:not([type=hidden]), main select, main textarea"
  )].filter(shown);
  const found = [];
  for (const label of labels) {
    const a = label.getBoundingClientRect();
    for (const other of others) {
      // A label may cover its own checkbox or radio: Bootstrap Italia draws the box on the label itself.
      if (other === label || other === label.control || label.contains(other) || other.contains(label)) continue;
      const b = other.getBoundingClientRect();
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 1 && y > 1) found.push(`${name(label)} over ${name(other)} (${Math.round(x)}x${Math.round(y)} px)`);
    }
  }
  return found;
}"""

#: Opens every folded <details> of the main content; the number opened.
OPEN_DISCLOSURES = """() => [...document.querySelectorAll("main details:not([open])")]
  .map((details) => { details.open = true; return details; }).length"""

MENU_TOPS = """() => [...document.querySelectorAll("#main-menu .navbar-nav > li")]
  .map((li) => Math.round(li.getBoundingClientRect().top))"""


def public_pages() -> list[tuple[str, str]]:
    """(label, path) of one live page of every page type, and of every catalogue category, from the demo."""
    pages = []
    seen_types = set()
    for page in Page.objects.live().public().filter(depth__gt=1).specific().order_by("path"):
        kind = type(page).__name__
        if kind in seen_types and kind != "CategoryPage":
            continue
        seen_types.add(kind)
        pages.append((f"{kind} {page.slug}", page.url))
    return pages


def error_pages() -> dict[str, tuple[int, str]]:
    """The error pages as the site renders them: {path: (status, html)}, served to the browser by a route."""
    from allauth.core.ratelimit import respond_429
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied, SuspiciousOperation
    from django.views import csrf, defaults

    from home.views import server_error

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    responses = {
        "/__errore/400/": defaults.bad_request(request, SuspiciousOperation("x")),
        "/__errore/403/": defaults.permission_denied(request, PermissionDenied()),
        "/__errore/403-csrf/": csrf.csrf_failure(request),
        "/__errore/429/": respond_429(request),
        "/__errore/500/": server_error(request),
    }
    return {path: (response.status_code, response.content.decode()) for path, response in responses.items()}


class Crawl:
    """Visits pages at both widths and collects every problem, so one run reports them all."""

    def __init__(self, browser, base_url):
        self.contexts = {
            width: browser.new_context(base_url=base_url, viewport={"width": width, "height": 844}, locale="it-IT")
            for width in WIDTHS
        }
        self.tabs = {width: context.new_page() for width, context in self.contexts.items()}
        self.problems: list[str] = []
        self.documents: dict[str, str] = {}
        self.visited: list[str] = []

    def serve(self, path: str, status: int, html: str) -> None:
        def fulfill(route):
            route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8")

        for tab in self.tabs.values():
            tab.route(f"**{path}", fulfill)

    def visit(self, label: str, path: str, status: int = 200) -> None:
        self.visited.append(path)
        for width, tab in self.tabs.items():
            response = tab.goto(path)
            if response.status != status:
                self.problems.append(f"{label} {path} at {width} px: HTTP {response.status}, expected {status}")
                continue
            tab.wait_for_load_state("load")
            if width == WIDTHS[0]:
                self.documents[f"{label} {path}"] = response.text()
            violations = axe_violations(tab)
            if violations:
                self.problems.append(format_violations(f"{label} at {width} px", tab.url, violations))
            overlaps = tab.evaluate(OVERLAPS)
            if overlaps:
                self.problems.append(f"{label} {path} at {width} px: " + "; ".join(overlaps))
            # Folded panels («Filtri (n)» on a phone) opened as a visitor opens them: what they hold pushes the
            # rest down and lies over nothing.
            if tab.evaluate(OPEN_DISCLOSURES):
                overlaps = tab.evaluate(OVERLAPS)
                if overlaps:
                    self.problems.append(f"{label} {path} at {width} px, panels open: " + "; ".join(overlaps))

    def sign_in(self, email: str, password: str) -> None:
        for tab in self.tabs.values():
            tab.goto("/accounts/login/")
            tab.get_by_label(re.compile(r"^Email")).fill(email)
            tab.get_by_label(re.compile(r"^Password")).fill(password)
            tab.locator("main form").get_by_role("button", name="Accedi").click()
            tab.wait_for_load_state("load")
            assert "/accounts/login/" not in tab.url, f"the demo family could not sign in at {tab.viewport_size}"

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


def test_every_page_passes_axe_has_no_overlapping_label_and_valid_html_at_both_widths(browser, demo_site):
    from booking.models import Child, Wallet
    from catalog.models import ServicePage

    crawl = Crawl(browser, demo_site.url)
    try:
        for label, path in public_pages():
            crawl.visit(label, path)
        crawl.visit("catalogue with filters", "/catalogo/cerca/?category=sport&age=9&municipio=5&free=1")
        crawl.visit("site search", "/cerca/?q=sport")
        crawl.visit("page not found", "/pagina-che-non-esiste/", status=404)
        for path, (status, html) in error_pages().items():
            crawl.serve(path, status, html)
            crawl.visit(f"error {status}", path, status=status)
        crawl.visit("register form", "/elenco-milano-0-18/domanda/")
        crawl.visit("accessibility report form", "/segnalazione-accessibilita/")
        crawl.visit("sign in", "/accounts/login/")
        crawl.visit("sign up", "/accounts/signup/")
        crawl.visit("password reset", "/accounts/password/reset/")

        crawl.tabs[1366].goto("/")
        tops = crawl.tabs[1366].evaluate(MENU_TOPS)
        assert tops and len(set(tops)) == 1, f"the main menu wraps at 1366 px: tops {tops}"

        crawl.sign_in(FAMILY_EMAIL, DEMO_PASSWORD)
        service = ServicePage.objects.live().order_by("path").first()
        for tab in crawl.tabs.values():  # a selection to send: the request form has something to show
            tab.goto(service.url)
            tab.get_by_role("button", name=re.compile("Aggiungi alla selezione")).first.click()
            tab.wait_for_load_state("load")
        child = Child.objects.filter(guardian__user__email=FAMILY_EMAIL).order_by("pk").first()
        wallet = Wallet.objects.filter(child=child).order_by("pk").first()
        crawl.visit("family area", "/famiglia/")
        crawl.visit("family profile", "/famiglia/profilo/")
        crawl.visit("add a child", "/famiglia/figli/aggiungi/")
        crawl.visit("edit a child", f"/famiglia/figli/{child.pk}/modifica/")
        crawl.visit("voucher", f"/famiglia/voucher/{wallet.pk}/")
        crawl.visit("selection", "/famiglia/selezione/")
        crawl.visit("request form", "/famiglia/richieste/nuova/")
        crawl.visit("requests", "/famiglia/richieste/")
        crawl.visit("orders", "/famiglia/acquisti/")
        crawl.visit("family data", "/famiglia/dati/")
        crawl.visit("data erasure", "/famiglia/dati/cancella/")
        crawl.visit("service signed in", service.url)
        crawl.visit("password change", "/accounts/password/change/")
        crawl.visit("email addresses", "/accounts/email/")
    finally:
        crawl.close()

    errors = html_errors(crawl.documents)
    problems = crawl.problems + [f"Nu HTML Checker, {label}: " + "; ".join(lines) for label, lines in errors.items()]
    assert len(crawl.visited) >= 40
    assert not problems, "\n".join(problems)

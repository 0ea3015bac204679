"""The crawl: every kind of page of the demo site, at 390 and 1366 px, checked by real tools.

For each page (public pages of every type, the catalogue with filters, site search, the sign-in and account
pages, the family area, the register form, the accessibility report form, the error pages):
- axe-core finds no WCAG 2.1 A/AA violation, at both widths;
- no visible label's box overlaps another label, a heading, a legend or another form control (forms in
  Bootstrap Italia's pattern: a floating label must never sit over the title or the field above it), at both
  widths, with folded panels (the catalogue's «Filtri») closed and then open;
- the Nu HTML Checker finds no error in the HTML the server sent.
At 1366 px the main menu's top-level items share one line.

Each page is loaded once, at 390 px, checked, then widened to 1366 px and checked again: the server sends the same
HTML at both widths, CSS media queries apply on a resize and Bootstrap Italia's components read the width again on
`resize`, so the widened page lays out as one loaded at 1366 px (the crawl compares the two on the home page). A page
that runs one of the site's scripts that read the viewport only as the page loads (`WIDTH_AT_LOAD_SCRIPTS`) is
loaded afresh at 1366 px instead.
"""

import difflib
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from wagtail.models import Page

from tests.browser.axe import axe_violations, format_violations
from tests.browser.navigation import follow
from tests.htmlcheck import html_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)
HEIGHT = 844
ROOT = Path(__file__).resolve().parents[2]
#: The site's own scripts that read the viewport's size only as a page loads: search.js opens the catalogue's
#: «Filtri» beside the results on a wide screen, once. A page that runs one is loaded afresh at each width.
WIDTH_AT_LOAD_SCRIPTS = ("catalog/search.js",)
#: A script's reads of the viewport's size (or of a box, which follows it).
VIEWPORT_READS = re.compile(r"matchMedia|innerWidth|outerWidth|clientWidth|offsetWidth|getBoundingClientRect|screen\.")
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
  .map((details) => { details.open = true; details.setAttribute("data-crawl-opened", ""); return details; }).length"""

#: Closes the panels `OPEN_DISCLOSURES` opened, as the page was loaded; the number closed.
CLOSE_DISCLOSURES = """() => [...document.querySelectorAll("main details[data-crawl-opened]")]
  .map((details) => { details.open = false; details.removeAttribute("data-crawl-opened"); return details; }).length"""

#: Ends the CSS transitions a resize starts (Bootstrap Italia eases a legend's or a chip's font size, a menu's
#: offset): the page is checked as it stands once they are over, as a page loaded at that width stands.
END_TRANSITIONS = """() => document.getAnimations().filter((animation) => animation instanceof CSSTransition)
  .map((transition) => transition.finish()).length"""

#: Whether the page runs one of the given scripts.
RUNS_SCRIPT = """(names) => [...document.scripts].some((script) => names.some((name) => script.src.endsWith(name)))"""

#: What a visitor's browser shows: each element of the body with its attributes, box and the styles that decide what
#: is seen, once the web fonts are in.
LAYOUT = """async () => {
  await document.fonts.ready;
  const shown = ["display", "visibility", "opacity", "transform", "position", "font-size", "color", "background-color"];
  return [...document.body.querySelectorAll("*")].map((el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const attributes = [...el.attributes]
      .filter((a) => a.name !== "nonce" && !(a.name === "value" && el.name === "csrfmiddlewaretoken"))
      .map((a) => `${a.name}="${a.value}"`).join(" ");
    const at = `${Math.round(box.left + scrollX)},${Math.round(box.top + scrollY)}`;
    const extent = `${Math.round(box.width)}x${Math.round(box.height)}`;
    return `<${el.tagName.toLowerCase()} ${attributes}> ${at} ${extent} ${shown.map((n) => style[n]).join(" ")}`;
  });
}"""

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


def viewport_readers() -> list[str]:
    """The site's own scripts (static files and templates) that read the viewport's size, as paths from the root."""
    sources = [*ROOT.glob("site/*/static/**/*.js"), *ROOT.glob("theme/static/**/*.js")]
    sources += [*ROOT.glob("site/*/templates/**/*.html"), *ROOT.glob("theme/templates/**/*.html")]
    return sorted(str(path.relative_to(ROOT)) for path in sources if VIEWPORT_READS.search(path.read_text()))


def size(width: int) -> dict[str, int]:
    return {"width": width, "height": HEIGHT}


class Crawl:
    """Visits pages in one tab, at both widths, and collects every problem, so one run reports them all."""

    #: The page whose widened layout is kept, to be compared with the same page loaded at the second width.
    WITNESS = "/"

    def __init__(self, browser, base_url):
        self.context = browser.new_context(base_url=base_url, viewport=size(WIDTHS[0]), locale="it-IT")
        self.tab = self.context.new_page()
        self.problems: list[str] = []
        self.documents: dict[str, str] = {}
        self.visited: list[str] = []
        self.widened_layout: list[str] | None = None

    def visit(self, label: str, path: str, status: int = 200, served: str | None = None) -> None:
        """Load `path` at the first width and check it; then check it at the second, widened or loaded afresh.

        `served`: the HTML the browser gets at `path`, instead of the live server's answer (the error pages).
        """
        self.visited.append(path)
        tab = self.tab
        if served is not None:
            html = {"status": status, "body": served, "content_type": "text/html; charset=utf-8"}
            tab.route(f"**{path}", lambda route: route.fulfill(**html))
        try:
            reload = True
            for width in WIDTHS:
                if reload:
                    self.resize(width)
                    response = tab.goto(path)
                    if response.status != status:
                        self.problems.append(f"{label} {path} at {width} px: HTTP {response.status}, expected {status}")
                        continue
                    self.documents.setdefault(f"{label} {path}", response.text())
                    reload = tab.evaluate(RUNS_SCRIPT, list(WIDTH_AT_LOAD_SCRIPTS))
                else:
                    tab.evaluate(CLOSE_DISCLOSURES)
                    tab.evaluate("window.scrollTo(0, 0)")
                    self.resize(width)
                    tab.evaluate(END_TRANSITIONS)
                    if path == self.WITNESS:
                        self.widened_layout = tab.evaluate(LAYOUT)
                self.check(label, path, width)
        finally:
            if served is not None:
                # While a route is set Playwright turns the browser's cache off: later pages would fetch every
                # style sheet and script again.
                tab.unroute(f"**{path}")

    def resize(self, width: int) -> None:
        if self.tab.viewport_size != size(width):
            self.tab.set_viewport_size(size(width))

    def check(self, label: str, path: str, width: int) -> None:
        tab = self.tab
        violations = axe_violations(tab)
        if violations:
            self.problems.append(format_violations(f"{label} at {width} px", tab.url, violations))
        overlaps = tab.evaluate(OVERLAPS)
        if overlaps:
            self.problems.append(f"{label} {path} at {width} px: " + "; ".join(overlaps))
        # Folded panels («Filtri (n)» on a phone) opened as a visitor opens them: what they hold pushes the rest down
        # and lies over nothing.
        if tab.evaluate(OPEN_DISCLOSURES):
            overlaps = tab.evaluate(OVERLAPS)
            if overlaps:
                self.problems.append(f"{label} {path} at {width} px, panels open: " + "; ".join(overlaps))

    def press_at_both_widths(self, locator) -> None:
        """Click `locator` at the last width, after checking at the others that it could be clicked there too; return
        when the page it opens has loaded."""
        for width in WIDTHS:
            self.resize(width)
            if width == WIDTHS[-1]:
                follow(locator)
            else:
                locator.click(trial=True)

    def sign_in(self, email: str, password: str) -> None:
        tab = self.tab
        self.resize(WIDTHS[0])
        tab.goto("/accounts/login/")
        for width in WIDTHS:  # the form can be filled and sent at both widths; it is sent once
            self.resize(width)
            tab.get_by_label(re.compile(r"^Email")).fill(email)
            tab.get_by_label(re.compile(r"^Password")).fill(password)
            send = tab.locator("main form").get_by_role("button", name="Accedi")
            if width == WIDTHS[-1]:
                follow(send)
            else:
                send.click(trial=True)
        assert "/accounts/login/" not in tab.url, "the demo family could not sign in"

    def close(self) -> None:
        self.context.close()


def test_every_page_passes_axe_has_no_overlapping_label_and_valid_html_at_both_widths(browser, demo_site):
    from booking.models import Child, Wallet
    from catalog.models import ServicePage

    unlisted = [path for path in viewport_readers() if not path.endswith(WIDTH_AT_LOAD_SCRIPTS)]
    assert not unlisted, f"{unlisted} read the viewport: list them in WIDTH_AT_LOAD_SCRIPTS (loaded at each width)"
    crawl = Crawl(browser, demo_site.url)
    try:
        for label, path in public_pages():
            crawl.visit(label, path)
        crawl.visit("catalogue with filters", "/catalogo/cerca/?category=sport&age=9&municipio=5&free=1")
        crawl.visit("site search", "/cerca/?q=sport")
        crawl.visit("page not found", "/pagina-che-non-esiste/", status=404)
        for path, (status, html) in error_pages().items():
            crawl.visit(f"error {status}", path, status=status, served=html)
        crawl.visit("register form", "/elenco-milano-0-18/domanda/")
        crawl.visit("accessibility report form", "/segnalazione-accessibilita/")
        crawl.visit("sign in", "/accounts/login/")
        crawl.visit("sign up", "/accounts/signup/")
        crawl.visit("password reset", "/accounts/password/reset/")

        crawl.resize(1366)
        crawl.tab.goto("/")
        tops = crawl.tab.evaluate(MENU_TOPS)
        assert tops and len(set(tops)) == 1, f"the main menu wraps at 1366 px: tops {tops}"
        loaded = crawl.tab.evaluate(LAYOUT)
        differences = list(difflib.unified_diff(crawl.widened_layout or [], loaded, lineterm="", n=0))
        assert not differences, "the home page widened to 1366 px differs from one loaded at 1366 px:\n" + "\n".join(
            differences[:20]
        )

        crawl.sign_in(FAMILY_EMAIL, DEMO_PASSWORD)
        service = ServicePage.objects.live().order_by("path").first()
        crawl.tab.goto(service.url)  # a selection to send: the request form has something to show
        crawl.press_at_both_widths(crawl.tab.get_by_role("button", name=re.compile("Aggiungi alla selezione")).first)
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

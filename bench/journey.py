"""The parent's task on a phone: taps and scrolled height to send a request for a free sport, 9 years, Municipio 5.

    .venv/bin/python bench/journey.py                                   # builds the demo into a scratch SQLite file
    .venv/bin/python bench/journey.py --database /tmp/demo.sqlite3      # a demo already built (migrate + load_demo)
    .venv/bin/python bench/journey.py --base-url http://127.0.0.1:8000  # a site already running with the demo
    .venv/bin/python bench/journey.py --screenshots /tmp/journey        # also a PNG of every step

The task (issue 10, "Measured"), as a parent does it on a 390 x 844 phone, signed out at first:
home page → the «Sport» category → age 9, «Gratuito», «Municipio 5» (and the filters' own button, when there is
one to see the results) → the first result → «Richiedi il servizio» (sign in with the password when asked) → the
child, a start date (unless one is already there), a day → send.

How it counts (the same rules before and after a change, so the two figures compare):
- a tap is a click on a link, button, checkbox or disclosure, or focusing a text or date field (typing is not a tap);
  a native <select> costs two taps (open it, pick the option);
- the scrolled height is the sum of the vertical distances the page must move so that each element to tap is
  wholly on screen and not under a bar stuck to the screen's bottom (the least movement, as a thumb does it), over
  every page of the task. Every page opens at its top.

It prints every step, then the figures before and after issue 10 and their ratio. "Before" is the same script
measured on `main` at 723d530, before the families' journey (the old layout: every filter open above the results);
the issue's own estimate, by hand, was about 15 taps and 2,200 px. "After" is measured now, on this code.

Debian's Chromium runs headless through Playwright (never Playwright's own browser download); the demo site is
served by `manage.py runserver` with the development settings on a free loopback port unless --base-url is given.
"""

import argparse
import datetime
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
VIEWPORT = {"width": 390, "height": 844}
EMAIL, PASSWORD = "famiglia@milano018.example", "milano018-demo"
CHILD_AGE = 9
# The demo family's 9-year-old (born 21/10/2017: 9 from October 2026 to October 2027; booking/demo.py).
CHILD_NAME = "Luca"
#: The same task measured with this script on `main` at 723d530, before issue 10 (README, «bench/journey.py»).
BEFORE = {"taps": 15, "scrolled": 1911, "where": "main 723d530, before issue 10"}


#: The element's top and bottom, and where the visible screen ends for it: the viewport's bottom, or the top of
#: a sticky or fixed bar stuck there (one that does not hold the element).
STUCK_BOX = """(element) => {
  const box = element.getBoundingClientRect();
  let end = window.innerHeight;
  for (const bar of document.querySelectorAll("body *")) {
    const style = getComputedStyle(bar);
    if ((style.position !== "sticky" && style.position !== "fixed") || bar.contains(element)) continue;
    const edge = bar.getBoundingClientRect();
    if (edge.height > 0 && edge.bottom >= window.innerHeight - 1 && edge.top > window.innerHeight / 2) {
      end = Math.min(end, edge.top);
    }
  }
  return [box.top, box.bottom, end];
}"""


class Tally:
    """Taps and scrolled pixels of one run, with a log line per action."""

    def __init__(self, page, screenshots: Path | None):
        self.page, self.screenshots = page, screenshots
        self.taps = 0
        self.scrolled = 0
        self.steps: list[str] = []

    def _reach(self, locator) -> None:
        """Scroll the least needed for the element to be wholly on screen (or its top at the top, when taller),
        above any bar stuck to the bottom of the screen (the filters' «Mostra N servizi») that would cover it."""
        locator.wait_for(state="visible")
        top, bottom, height = locator.evaluate(STUCK_BOX)
        delta = 0
        if top < 0:
            delta = top
        elif bottom > height:
            delta = min(bottom - height, top)
        if delta:
            before = self.page.evaluate("window.scrollY")
            self.page.evaluate("d => window.scrollBy(0, d)", delta)
            self.scrolled += abs(self.page.evaluate("window.scrollY") - before)

    def tap(self, locator, what: str, taps: int = 1) -> None:
        self._reach(locator)
        self.taps += taps
        self.steps.append(f"{self.taps:3d} taps {self.scrolled:6d} px  {what}")
        self._shot()

    def click(self, locator, what: str) -> None:
        self.tap(locator, what)
        locator.click()

    def fill(self, locator, value: str, what: str) -> None:
        self.tap(locator, what)
        locator.fill(value)

    def select(self, locator, value: str, what: str) -> None:
        self.tap(locator, what, taps=2)
        locator.select_option(value)

    def _shot(self) -> None:
        if self.screenshots:
            self.page.screenshot(path=self.screenshots / f"{len(self.steps):02d}.png")


def first_visible(page, *locators):
    """The first of the locators that has a visible element (the pages differ before and after a change)."""
    for locator in locators:
        for candidate in locator.all():
            if candidate.is_visible():
                return candidate
    return None


def wait_for_results(page) -> None:
    page.wait_for_load_state("networkidle")


def run_task(page, tally: Tally) -> str:
    """Performs the task; returns the title of the service requested."""
    page.goto("/")
    tally.click(page.locator("main a[href$='/catalogo/sport/']").first, "home: the «Sport» category")
    page.wait_for_load_state()

    filters = first_visible(page, page.locator("details.m018-filters-panel:not([open]) > summary"))
    if filters:
        tally.click(filters, "open the filters")
    tally.select(page.locator("#m018-age"), str(CHILD_AGE), "age: 9 years")
    wait_for_results(page)
    tally.click(page.locator("label", has_text=re.compile(r"^\s*Gratuito\b")).first, "cost: free")
    wait_for_results(page)
    municipio = page.locator("label", has_text=re.compile(r"^\s*Municipio 5\b")).first
    tally.click(municipio, "municipio 5")
    wait_for_results(page)
    apply = first_visible(page, page.get_by_role("button", name=re.compile(r"Mostra \d+ serviz|Applica i filtri")))
    if apply:
        tally.click(apply, "show the results")
        wait_for_results(page)
    first = page.locator(".m018-results .card-title a").first
    title = first.inner_text()
    tally.click(first, f"first result: {title}")
    page.wait_for_load_state()

    tally.click(page.get_by_role("link", name="Richiedi il servizio"), "«Richiedi il servizio» (signed out)")
    page.wait_for_load_state()
    tally.fill(page.get_by_label("Email"), EMAIL, "sign in: email")
    tally.fill(page.get_by_label("Password"), PASSWORD, "sign in: password")
    tally.click(page.locator("form[action^='/accounts/login/'] button[type=submit]"), "sign in")
    page.wait_for_url(re.compile(r"/famiglia/richieste/nuova/"))

    child = page.locator("select[name=child]")
    if child.count():
        wanted = child.evaluate(
            "(s, name) => [...s.options].find(o => o.text.trim().startsWith(name)).value", CHILD_NAME
        )
        if child.input_value() != wanted:
            tally.select(child, wanted, "the child")
    else:
        choice = page.locator("label", has_text=re.compile(rf"^\s*{CHILD_NAME}\b")).first
        if not page.locator(f"#{choice.get_attribute('for')}").is_checked():
            tally.click(choice, "the child")
    start_field = page.get_by_label(re.compile(r"^Dal"))
    if not start_field.input_value():
        start = datetime.date.today() + datetime.timedelta(days=14)
        tally.fill(start_field, start.isoformat(), "start date")
    day = page.locator("input[name=preferred_days]:not([disabled])").first
    tally.click(page.locator(f"label[for='{day.get_attribute('id')}']"), "a day")
    tally.click(page.locator("main form button[type=submit]", has_text="Invia la richiesta"), "send")
    page.wait_for_url(re.compile(r"/famiglia/richieste/(\d+/)?$"))
    return title


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(database: Path, media: Path) -> tuple[str, subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(media),
    }
    if not database.exists():
        print(f"building the demo into {database} ...", flush=True)
        for command in (["migrate", "--no-input"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2).read()
            return base, server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("the development server did not answer within a minute.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running site with the demo content (skips building and serving)")
    parser.add_argument("--database", type=Path, help="an SQLite file with the demo already loaded")
    parser.add_argument("--screenshots", type=Path, help="a folder for one PNG per step")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    server = None
    if args.base_url:
        base = args.base_url.rstrip("/")
    else:
        scratch = Path(tempfile.mkdtemp(prefix="milano018-journey-"))
        database = args.database.resolve() if args.database else scratch / "demo.sqlite3"
        base, server = serve(database, scratch / "media")
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            context = browser.new_context(
                base_url=base, viewport=VIEWPORT, locale="it-IT", is_mobile=True, has_touch=True, device_scale_factor=1
            )
            page = context.new_page()
            tally = Tally(page, args.screenshots)
            title = run_task(page, tally)
            browser.close()
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
    print("\n".join(tally.steps))
    print(f"\nrequest sent for «{title}»")
    print(f"before ({BEFORE['where']}): {BEFORE['taps']} taps, {BEFORE['scrolled']:,} px scrolled")
    print(f"after (this code):            {tally.taps} taps, {tally.scrolled:,} px scrolled")
    print(
        f"after / before:               taps {tally.taps / BEFORE['taps']:.2f}, "
        f"scrolled {tally.scrolled / BEFORE['scrolled']:.2f}"
    )


if __name__ == "__main__":
    main()

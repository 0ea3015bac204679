"""Screenshots of the key pages of the demo site (run through `scripts/screenshots`).

Shape: one PNG per page and width, `<out>/<width>/<NN>-<name>.png`, full page; widths 390 and 1366 px.
The database (SQLite) and media live in a temporary folder removed at the end; the site is served by
Django's development server on 127.0.0.1 at a free port (DEBUG off, so the 404 is the site's own), and the
demo's links follow that address.
Raises SystemExit with a message when Chromium is missing or a page answers with an unexpected status.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (390, 1366)
FAMILY = ("famiglia@milano018.example", "milano018-demo")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def django_env(tmp: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",  # the demo's links lead to this server
        # The site's own error pages, not Django's debug pages (static files: runserver --insecure).
        "DEBUG": "false",
        "SPID_DEMO_IDP": "true",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def key_pages(env: dict[str, str]) -> list[tuple[str, str, int, bool]]:
    """(name, path, expected status, signed in as the demo family) for each page, read from the demo database."""
    script = r"""
import json
from calls.models import CallPage
from catalog.models import CatalogIndexPage, CategoryPage, ProviderPage, ServicePage
from challenges.models import ChallengeIndexPage
from home.models import ContentPage, WellbeingDimensionsPage
from hubs.models import HubPage
from legal.models import AccessibilityStatementPage, PrivacyNoticePage
from news.models import NewsIndexPage, NewsPage
from wagtail.models import Page

def url(model, **filters):
    return model.objects.live().filter(**filters).order_by("path").first().get_url()

def voucher_page():
    page = Page.objects.live().filter(slug__icontains="voucher").order_by("depth", "path").first()
    return page.get_url() if page else "/"

catalogue = url(CatalogIndexPage)
print(json.dumps([
    ("home", "/", 200, False),
    ("catalogo", catalogue, 200, False),
    ("catalogo-filtri", catalogue + "cerca/?category=sport&age=9&municipio=5&free=1", 200, False),
    ("categoria", url(CategoryPage), 200, False),
    ("servizio", url(ServicePage), 200, False),
    ("ente", url(ProviderPage), 200, False),
    ("notizie", url(NewsIndexPage), 200, False),
    ("notizia", NewsPage.objects.live().order_by("-date").first().get_url(), 200, False),
    ("avviso", url(CallPage), 200, False),
    ("hub", url(HubPage), 200, False),
    ("sfide", url(ChallengeIndexPage), 200, False),
    ("dimensioni", url(WellbeingDimensionsPage), 200, False),
    ("accesso", "/accounts/login/", 200, False),
    ("area-famiglia", "/famiglia/", 200, True),
    ("richiesta", "/famiglia/richieste/nuova/", 200, True),
    ("voucher", voucher_page(), 200, False),
    ("ricerca", "/cerca/?q=sport", 200, False),
    ("404", "/pagina-che-non-esiste/", 404, False),
    ("privacy", PrivacyNoticePage.objects.live().order_by("depth", "path").first().get_parent().url, 200, False),
    ("accessibilita", url(AccessibilityStatementPage), 200, False),
]))
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True
    )
    import json

    return [tuple(row) for row in json.loads(out.stdout.splitlines()[-1])]


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("The development server stopped before answering.")
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("The development server did not answer within a minute.")


def sign_in(context, base: str) -> None:
    tab = context.new_page()
    tab.goto(base + "/accounts/login/")
    tab.locator("input[name=login]").fill(FAMILY[0])
    tab.locator("input[name=password]").fill(FAMILY[1])
    tab.locator("form:has(input[name=password]) [type=submit]").click()
    tab.wait_for_load_state()
    tab.close()


def shoot(base: str, pages, out: Path) -> list[str]:
    """Write the PNGs; return the problems (unexpected statuses) met."""
    from playwright.sync_api import sync_playwright

    chromium_path = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell"))
    if not chromium_path.exists():
        raise SystemExit(
            f"Chromium not found at {chromium_path} (apt-get install chromium-headless-shell, or set CHROMIUM_PATH)."
        )
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for width in WIDTHS:
            folder = out / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            for signed_in in (False, True):
                context = browser.new_context(viewport={"width": width, "height": 844}, locale="it-IT")
                if signed_in:
                    sign_in(context, base)
                tab = context.new_page()
                for number, name, path, status, needs_family in pages:
                    if needs_family != signed_in:
                        continue
                    response = tab.goto(base + path)
                    if response.status != status:
                        problems.append(f"{width}px {name} {path}: {response.status}, expected {status}")
                    tab.wait_for_load_state("networkidle")
                    tab.screenshot(path=str(folder / f"{number:02d}-{name}.png"), full_page=True)
                context.close()
        browser.close()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "screenshots")))
    parser.add_argument("--only", nargs="*", help="page names to take (default: all twenty)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="m018-shots-") as tmp:
        port = free_port()
        env = django_env(Path(tmp), port)
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
        # Numbered in the order of the full list, so --only rewrites the same files.
        pages = [(number, *row) for number, row in enumerate(key_pages(env), start=1)]
        if args.only:
            pages = [row for row in pages if row[1] in args.only]
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base, server)
            problems = shoot(base, pages, args.out)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Screenshots in {args.out}/{{{','.join(map(str, WIDTHS))}}}/")
    if problems:
        raise SystemExit("\n".join(problems))


if __name__ == "__main__":
    main()

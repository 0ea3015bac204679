"""Page throughput: requests/s and p50 latency of the demo's main pages, served by gunicorn, against a static file.

    .venv/bin/python bench/pages.py                              # builds the demo into a scratch SQLite file
    .venv/bin/python bench/pages.py --database /tmp/demo.sqlite3 --duration 5 --connections 4

The demo (`migrate` + `load_demo`) is built into a scratch SQLite file unless --database names one
already built. gunicorn serves it on 127.0.0.1 (a free port; loopback only) with the production
settings (a throw-away SECRET_KEY, SECURE_SSL_REDIRECT=0), static files collected into STATIC_ROOT and
served by WhiteNoise. Each URL is first fetched once (it must answer 200), then loaded by `wrk` for
--duration seconds. The static file is the yardstick: what the server and the machine give with no
Django view at all, so compare the ratio column within one run (the machine may be shared: absolute
numbers are noisy, ratios less so).

wrk comes from Debian (`apt-get install wrk`); the script installs it when it is missing and runs as root,
otherwise it says how.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def server_env(database: Path, media: Path) -> dict[str, str]:
    """Environment of the production settings for a loopback benchmark (no HTTPS redirect, throw-away key)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(media),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def ensure_wrk() -> str:
    """Path of wrk, installed from Debian when missing and running as root; exits with a hint otherwise."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is missing: install it with `sudo apt-get install wrk` (Debian) and run again.")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pick_urls(env: dict[str, str]) -> list[tuple[str, str]]:
    """(label, path) of the pages to load, looked up in the demo database by a helper process."""
    script = """
from catalog.models import CatalogIndexPage, CategoryPage, ProviderPage, ServicePage
from django.db.models import Count
from news.models import NewsPage

service = ServicePage.objects.live().annotate(n=Count("locations")).order_by("-n", "pk").first()
provider = ProviderPage.objects.live().get(pk=service.provider_page_id)
catalog = CatalogIndexPage.objects.live().first()
rows = [
    ("home", "/"),
    ("category", CategoryPage.objects.live().order_by("pk").first().url),
    ("service", service.url),
    ("provider", provider.url),
    ("news", NewsPage.objects.live().order_by("-date", "pk").first().url),
    ("search (site)", "/cerca/?q=sport"),
    ("search (catalogue)", catalog.url + "cerca/?q=calcio"),
    ("API", "/api/v1/services/?q=calcio"),
]
for label, path in rows:
    print(f"URL\t{label}\t{path}")
"""
    out = manage(env, "shell", "-c", script)
    return [tuple(line.split("\t")[1:]) for line in out.splitlines() if line.startswith("URL\t")]


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited before answering; run it by hand to see why.")
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer within a minute.")


def check(url: str) -> int:
    """Fetch once: the page must answer 200 (wrk would happily measure a stream of errors)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}")
        return len(body)


def run_wrk(wrk: str, url: str, duration: int, connections: int) -> tuple[float, str, str]:
    """(requests/s, p50 latency as wrk prints it, errors or '') of one URL."""
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    problems = ", ".join(
        text for text in (errors and f"non-2xx {errors.group(1)}", socket_errors and socket_errors.group(1)) if text
    )
    return rps, p50, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, help="an SQLite file with the demo already loaded")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per URL (default 5)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    args = parser.parse_args()

    wrk = ensure_wrk()
    scratch = Path(tempfile.mkdtemp(prefix="milano018-pages-"))
    database = args.database.resolve() if args.database else scratch / "demo.sqlite3"
    env = server_env(database, scratch / "media")
    if not args.database:
        print(f"building the demo into {database} ...", flush=True)
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
    print("collecting static files ...", flush=True)
    manage(env, "collectstatic", "--no-input")
    urls = pick_urls(env)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT / "site",
    )
    try:
        wait_until_up(base, server)
        rows = [("static file", "/static/theme/css/milano018.css"), *urls]
        results = []
        for label, path in rows:
            size = check(base + path)
            rps, p50, problems = run_wrk(wrk, base + path, args.duration, args.connections)
            results.append((label, path, size, rps, p50, problems))
            print(f"  {label}: {rps:.0f} req/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    static_rps = results[0][3]
    print(f"\ngunicorn {args.workers} workers, wrk 1 thread {args.connections} connections, {args.duration} s per URL")
    print(f"{'page':<20} {'req/s':>8} {'p50':>9} {'x static':>9} {'KB':>6}  path")
    for label, path, size, rps, p50, problems in results:
        note = f"  ({problems})" if problems else ""
        print(f"{label:<20} {rps:8.1f} {p50:>9} {rps / static_rps:9.3f} {size / 1024:6.1f}  {path}{note}")
    by_label = {label: rps for label, _path, _size, rps, _p50, _problems in results}
    verdict = "yes" if by_label["service"] >= by_label["news"] else "NO"
    print(f"\nservice page at least as fast as the news page: {verdict}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

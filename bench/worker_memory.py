"""What a web worker weighs at boot: resident memory of a fresh process and the heavy modules it imports.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/worker_memory.py

Runs in this process, which must be fresh (nothing imported yet), the steps a gunicorn worker takes:
`django.setup()`, loading the URLconf (the first request does it) and one request to `/` through the
WSGI handler with the production middleware. After each step it prints the resident set size
(VmRSS from /proc/self/status, MB) and, at the end, which of the heavy libraries are in `sys.modules`
after boot (setup + URLconf) and after the request.

Settings: DJANGO_SETTINGS_MODULE (default `config.settings.production`, with a throw-away SECRET_KEY,
SECURE_SSL_REDIRECT=0 and ALLOWED_HOSTS=127.0.0.1 unless the environment sets them). The database is
DATABASE_URL's (the request answers whatever it answers: an empty database gives a 404, still a request).
Linux only (reads /proc).
"""

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

#: Libraries that a worker serving pages does not need at boot: (label, top-level module names).
HEAVY = [
    ("SAML (python3-saml)", ("onelogin",)),
    ("xmlsec", ("xmlsec",)),
    ("lxml", ("lxml",)),
    ("pypdf", ("pypdf",)),
    ("Django REST framework", ("rest_framework",)),
    ("django-ninja / pydantic", ("ninja", "pydantic")),
    ("Elasticsearch client", ("elasticsearch", "elastic_transport")),
    ("SPID service provider", ("booking.spid_sp.views", "booking.spid_sp.saml")),
    ("OpenAPI schema", ("search.openapi",)),
]


def rss_mb() -> float:
    """Resident set size of this process in MB (VmRSS, kB in /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found: this script needs Linux's /proc")


def heavy_loaded() -> list[str]:
    """Labels of the HEAVY libraries present in sys.modules."""
    return [label for label, names in HEAVY if any(name in sys.modules for name in names)]


def request(path: str) -> int:
    """Send one GET through the WSGI handler; returns the HTTP status code."""
    from django.core.handlers.wsgi import WSGIHandler

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    status = []
    body = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(body)
    return int(status[0].split()[0])


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    os.environ.setdefault("SECRET_KEY", "bench-worker-memory-" + "x" * 40)
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    steps = [("interpreter", rss_mb())]

    import django

    django.setup()
    steps.append(("django.setup()", rss_mb()))

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module it names
    steps.append(("+ URLconf", rss_mb()))
    at_boot = heavy_loaded()

    status = request("/")
    steps.append((f"+ GET / ({status})", rss_mb()))
    after_request = heavy_loaded()

    print(f"settings: {os.environ['DJANGO_SETTINGS_MODULE']}")
    for label, mb in steps:
        print(f"{label:<22} {mb:7.1f} MB")
    print("heavy modules after boot:   ", ", ".join(at_boot) or "none")
    print("heavy modules after GET /:  ", ", ".join(after_request) or "none")
    print(f"modules imported: {len(sys.modules)}")


if __name__ == "__main__":
    main()

"""No URL of the site answers 5xx to any query string or form body (issue 18, item 8).

A property test per role (visitor, family, provider, City staff): each example walks every URL pattern of the
resolver (path ids filled with real ids, missing ids and huge numbers) and every Wagtail page, and sends each a GET
and a POST whose parameters are random text, NUL and control characters, huge integers, overlong strings and repeated
keys. Bounded: a few examples per role (`max_examples`), no deadline; the test client skips CSRF so bodies reach
the views. Run on SQLite by default and on PostgreSQL with DATABASE_URL.
"""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page

from booking import marketplace
from news.models import NewsIndexPage, NewsPage
from tests.booking.factories import ChildFactory, make_wallet, quoted, service_setup
from tests.catalog.factories import RegisterApplicationFactory
from tests.conftest import build_home_page, kept_for_the_module

pytestmark = pytest.mark.django_db

# Never fuzzed: the logouts end the session the walk depends on; failwhale is Wagtail's deliberate 500 page.
SKIPPED = {"admin/logout/", "accounts/logout/", "admin/failwhale/"}
NAMES = [
    "q", "p", "page", "page_size", "servizio", "service", "child", "state", "since", "sort", "ordering", "export",
    "category", "municipio", "age", "reason", "body", "message", "decision", "method", "attempt_key", "price",
    "start_date", "valid_until", "schedule", "next", "email", "login", "password", "title", "id", "pk", "action",
    "rating", "text", "first_name", "birth_date", "fiscal_code", "preferred_start", "preferred_days", "tag", "fragment",
]  # fmt: skip
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a\x00b", "\x0b", '"', "'", "%", "(", "*", "-1", "0", "", "1e309", "NaN", "²"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.just("9" * 5000),
    st.text(min_size=1, max_size=8).map(lambda text: text * 300),
)
PARAMS = st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=10)), HOSTILE), max_size=6)


def url_patterns(patterns=None, prefix=""):
    """Every route of the resolver as text, `<conv:name>` placeholders kept; regex routes only if group-free."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route)
        elif "(" not in route:
            yield route.replace("^", "").replace("$", "")


def fill(route: str, ids: list[int]) -> list[str]:
    """Concrete paths for a route: each int placeholder with a real id and a huge one (the admin's: a real id)."""
    if "<" not in route:
        return ["/" + route]
    choices = ids[:1] if route.startswith("admin/") else [*ids[:2], 10**20]
    paths = []
    for number in choices:
        path = re.sub(r"<int:\w+>", str(number), route)
        path = re.sub(r"<(?:str|slug):\w+>", "x", path)
        paths.append("/" + re.sub(r"<path:\w+>", "a/b", path))
    return sorted(set(paths))


@pytest.fixture(scope="module")
def _site_rows(django_db_setup, django_db_blocker):
    """A small site with one of everything: provider and service, family with request, quote and order, news.
    Built once for the module (`kept_for_the_module`): each walk's writes are rolled back with its test."""
    with kept_for_the_module(django_db_blocker):
        home_page = build_home_page()
        provider, service, provider_staff = service_setup(home_page)
        child = ChildFactory()
        make_wallet("30.00", child=child)
        quote = quoted(service, provider_staff, child=child)
        order = marketplace.accept_quote(quote, actor=child.guardian.user)
        news_index = home_page.add_child(instance=NewsIndexPage(title="Notizie", slug="notizie", intro="Novità."))
        news = NewsPage(title="Graduatoria", slug="graduatoria", date=datetime.date(2026, 5, 4), intro="Pubblicata.")
        news.tags.add("voucher")
        news_index.add_child(instance=news)
        application = RegisterApplicationFactory(organisation_name="Teatro")
        staff = get_user_model().objects.create_superuser("comune", "comune@example.org", "una-password-lunga-42")
        page_urls = [page.url for page in Page.objects.live().specific() if page.url]
        page_urls += [news_index.url + "feed/", news_index.url + "tag/voucher/", news_index.url + "tag/x%00/"]
        ids = sorted({service.pk, child.pk, quote.request.pk, order.pk, application.pk, news.pk, provider.pk})
        routes = [route for route in url_patterns() if route not in SKIPPED]
        paths = sorted({path for route in routes for path in fill(route, ids)} | set(page_urls))
        yield {
            "paths": paths,
            "users": {"family": child.guardian.user.pk, "provider": provider_staff.pk, "staff": staff.pk},
        }


@pytest.fixture
def site(db, _site_rows):
    """`_site_rows`' paths, and fresh instances of its accounts by role (the visitor: None)."""
    users = {role: get_user_model().objects.get(pk=pk) for role, pk in _site_rows["users"].items()}
    return {"paths": _site_rows["paths"], "users": {"visitor": None, **users}}


def walk(site, role: str, data) -> None:
    client = Client(raise_request_exception=False)
    user = site["users"][role]
    paths = [p for p in site["paths"] if role in ("provider", "staff") or not p.startswith("/admin/")]
    if user is not None:
        client.force_login(user)
    params = urlencode(data.draw(PARAMS, label="parameters"))
    failures = []
    for path in paths:
        statuses = {
            "GET": client.get(f"{path}?{params}").status_code,
            "POST": client.post(path, params, content_type="application/x-www-form-urlencoded").status_code,
        }
        failures += [f"{method} {path} {params!r}: {status}" for method, status in statuses.items() if status >= 500]
    assert not failures, "\n".join(failures)


HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
FUZZ = settings(max_examples=3, deadline=None, suppress_health_check=HEALTH)
# The admin has ~280 routes: one example is one walk of all of them, GET and POST.
ADMIN_FUZZ = settings(max_examples=1, deadline=None, suppress_health_check=HEALTH)


@FUZZ
@given(data=st.data())
def test_no_public_url_answers_a_server_error_to_a_visitor(site, data):
    walk(site, "visitor", data)


@FUZZ
@given(data=st.data())
def test_no_url_answers_a_server_error_to_a_family(site, data):
    walk(site, "family", data)


@ADMIN_FUZZ
@given(data=st.data())
def test_no_url_answers_a_server_error_to_a_provider(site, data):
    walk(site, "provider", data)


@ADMIN_FUZZ
@given(data=st.data())
def test_no_url_answers_a_server_error_to_city_staff(site, data):
    walk(site, "staff", data)

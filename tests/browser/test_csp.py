"""The Content-Security-Policy holds in a real browser: the site's own pages, the family area and the Wagtail admin
(dashboard and page editor) run without a single violation."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.booking.factories import ChildFactory, make_wallet, service_setup
from tests.browser.content import fresh_home
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "una-password-lunga-42"
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The browser tab, recording CSP violations (DOM events and console messages); the tab is kept for the next
    test (tests/browser/conftest.py), without the listeners."""
    messages = []

    def record(message):
        messages.append(message.text)

    page.on("console", record)
    listener = page.add_init_script(LISTEN)

    def violations():
        found = page.evaluate("window.__cspViolations || []")
        return found + [text for text in messages if "Content Security Policy" in text]

    page.violations = violations
    yield page
    del page.violations
    listener.close()
    page.remove_listener("console", record)


def visit(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response.status < 400, path
    assert "script-src 'self'" in response.all_headers()["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return page.violations()


def test_public_pages_run_without_csp_violations(watched, live_server):
    home = fresh_home()
    _provider, service, _staff = service_setup(home)
    assert visit(watched, "/") == []
    assert visit(watched, service.url) == []
    assert visit(watched, "/catalogo/arte/") == []


def test_the_family_area_runs_without_csp_violations(watched, live_server):
    fresh_home()
    child = ChildFactory()
    make_wallet("300.00", child=child)
    user = child.guardian.user
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    assert visit(watched, "/accounts/login/") == []
    watched.get_by_label("Email").fill(user.email)
    watched.get_by_label("Password").fill(PASSWORD)
    follow(watched.locator("form[action='/accounts/login/'] button[type=submit]"), "**/famiglia/")
    assert visit(watched, "/famiglia/") == []
    assert visit(watched, "/famiglia/profilo/") == []


def test_the_admin_and_its_page_editor_run_without_csp_violations(watched, live_server):
    home = fresh_home()
    _provider, service, _staff = service_setup(home)
    get_user_model().objects.create_superuser("comune", "comune@example.org", PASSWORD)
    assert visit(watched, "/admin/login/") == []
    watched.locator("#id_username").fill("comune")
    watched.locator("#id_password").fill(PASSWORD)
    follow(watched.locator("form button[type=submit]").first, "**/admin/")
    assert visit(watched, "/admin/") == []
    assert visit(watched, f"/admin/pages/{service.pk}/edit/") == []
    assert visit(watched, "/admin/images/") == []

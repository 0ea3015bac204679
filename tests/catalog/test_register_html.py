"""The register's pages are valid HTML (Nu HTML Checker): the form open and closed, the receipt, the call page
with its link, the staff's queue with its counters and the provider's operators pages."""

import pprint

import pytest
from django.urls import reverse

from catalog.models import ProviderAdministrator, RegisterApplication
from tests.calls import factories as calls_factories
from tests.catalog import factories
from tests.catalog.test_register import APPLY_URL, form_data
from tests.htmlcheck import html_errors

pytestmark = pytest.mark.django_db
#: Wagtail 8's own listing markup on the queue (its filter drill-down and row drop-downs, the same on every
#: ModelViewSet index), not this project's: the checker's errors on it are set aside; axe checks that page whole.
WAGTAIL_MARKUP = (
    "Attribute “type” not allowed on element “div”",
    "Element “div” not allowed as child of element “button”",
)


def test_the_register_pages_are_valid_html(client, home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    documents = {"modulo chiuso": client.get(APPLY_URL).content.decode()}
    call = calls_factories.open_register_call(home_page)
    documents["avviso"] = client.get(call.url).content.decode()
    documents["modulo"] = client.get(APPLY_URL).content.decode()
    documents["modulo con errori"] = client.post(APPLY_URL, form_data(tax_code="123")).content.decode()
    response = client.post(APPLY_URL, form_data())
    documents["ricevuta"] = client.get(response["Location"]).content.decode()
    assert RegisterApplication.objects.get().protocol in documents["ricevuta"]

    client.force_login(factories.editor())
    documents["coda"] = client.get(reverse("register_applications:index")).content.decode()
    documents["domanda"] = client.get(
        reverse("register_applications:inspect", args=[RegisterApplication.objects.get().pk])
    ).content.decode()

    _catalog, _categories, index = factories.catalog_tree(home_page)
    provider = factories.provider(index)
    admin = factories.provider_user("ente-uno", provider)
    other = factories.provider_user("ente-uno-bis", provider)
    ProviderAdministrator.objects.create(provider=provider, user=admin)
    client.force_login(admin)
    documents["operatori"] = client.get("/admin/ente/operatori/").content.decode()
    documents["operatori, errori"] = client.post("/admin/ente/operatori/", {"email": "x"}).content.decode()
    documents["togli"] = client.get(reverse("catalog_operator_remove", args=[provider.pk, other.pk])).content.decode()
    errors = html_errors(documents)
    errors["coda"] = [line for line in errors.get("coda", []) if not any(text in line for text in WAGTAIL_MARKUP)]
    errors = {label: lines for label, lines in errors.items() if lines}
    assert not errors, pprint.pformat(errors, width=200)

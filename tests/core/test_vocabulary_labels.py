"""One label per code, everywhere: the rendered site, the JSON API and its schema read `core.vocabularies`.

Pages mark every vocabulary label they show (`{% term %}`: `data-vocabulary` + `data-code`; the search
facets: `data-facet` + `data-code`); the tests render a small catalogue (factories, no demo), collect every
marked label, every chip, the family request form's weekdays, the API's facet labels and the OpenAPI enums,
and compare each with the vocabulary. The static check of the sources (no label copied outside
`core/vocabularies.py`) is `test_vocabulary_literals.py`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from booking.models import Guardian
from catalog.facts import service_facts
from core.vocabularies import (
    Category,
    DeliveryMode,
    Descriptor,
    label_of,
    long_label_of,
    vocabulary_labels,
)
from search import sync
from search.facets import FACETS
from tests.booking.factories import ChildFactory
from tests.catalog import factories
from tests.hubs import factories as hub_factories

pytestmark = pytest.mark.django_db

#: The vocabulary each search facet must read (independent of what search/facets.py declares).
FACET_VOCABULARY = {
    "category": "category",
    "municipio": "municipio",
    "reaches": "municipio",
    "free": "cost",
    "voucher": "voucher",
    "delivery": "delivery",
    "day": "weekday",
    "wellbeing": "descriptor",
}
#: One value of every facet, selected at once: every chip is shown (in the facets' display order).
ALL_SELECTED = {
    "category": "scuola-plus",
    "free": "true",
    "voucher": "true",
    "municipio": "5",
    "delivery": "sede",
    "reaches": "7",
    "day": "2",
    "wellbeing": "creativity",
}
#: Facets whose values read as the long label: a municipio with its areas, which a family knows before its number.
LONG_FACETS = {"municipio", "reaches"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def squash(text: str) -> str:
    return " ".join(text.split())


class MarkedLabels(HTMLParser):
    """Collects (kind, vocabulary or facet, code, own text, form) of every marked element, plus the chips and the
    checkboxes' labels. "Own text" is the element's text without its children's (a facet label's count is a child).
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.marked: list[dict] = []
        self.inputs: dict[str, dict] = {}  # id -> attributes
        self.labels_for: dict[str, dict] = {}  # id -> the label element

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("id"):
            self.inputs[attributes["id"]] = attributes
        if tag in VOID:
            return
        element = {"tag": tag, "attrs": attributes, "text": [], "all": []}
        self.stack.append(element)
        if tag == "label" and attributes.get("for"):
            self.labels_for[attributes["for"]] = element

    def handle_endtag(self, tag):
        while self.stack:
            element = self.stack.pop()
            attributes = element["attrs"]
            if (
                "data-vocabulary" in attributes
                or "data-facet" in attributes
                or "m018-chip" in attributes.get("class", "").split()
            ):
                self.marked.append(element)
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1]["text"].append(data)
            for element in self.stack:
                element["all"].append(data)


def parse(html: str) -> MarkedLabels:
    parser = MarkedLabels()
    parser.feed(html)
    parser.close()
    return parser


def facet_value_label(facet: str, code) -> str | None:
    """What the vocabulary calls a facet's value (`code` as in a URL or JSON: "true", "5" or 5)."""
    name = FACET_VOCABULARY[facet]
    if name in ("cost", "voucher"):
        return label_of(name, str(code) in ("true", "True"))
    return (long_label_of if facet in LONG_FACETS else label_of)(name, code)


def vocabulary_mismatches(html: str, where: str) -> tuple[list[str], set[tuple[str, str]]]:
    """Marked labels that differ from their vocabulary's, and the (vocabulary, code) pairs seen."""
    wrong, seen = [], set()
    for element in parse(html).marked:
        attributes = element["attrs"]
        text = squash("".join(element["text"]))
        if "data-vocabulary" in attributes:
            name, code = attributes["data-vocabulary"], attributes["data-code"]
            expected = (long_label_of if attributes.get("data-form") == "long" else label_of)(name, code)
        elif "data-facet" in attributes:
            name, code = FACET_VOCABULARY[attributes["data-facet"]], attributes["data-code"]
            expected = facet_value_label(attributes["data-facet"], code)
        else:
            continue
        seen.add((name, str(code)))
        if text != expected:
            wrong.append(f"{where}: {name} {code!r} reads {text!r}, the vocabulary says {expected!r}")
    return wrong, seen


def check_pages(client, pages: dict[str, str], check) -> tuple[list[str], dict]:
    """GET each of `pages` ({where: url}), asserting a 200, and run `check(html, where)` -> (mismatches, seen) on
    its HTML: every page's mismatches together, and what each page showed ({where: seen})."""
    wrong, seen = [], {}
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        mismatches, seen[where] = check(response.content.decode(), where)
        wrong += mismatches
    return wrong, seen


@pytest.fixture
def catalogue(home_page):
    catalog, categories, index = factories.catalog_tree(home_page)
    provider = factories.provider(index, name="Teatro Aperto")
    theatre = factories.service(provider, title="Teatro per ragazzi", slug="teatro", online=True)
    school = factories.service(
        provider,
        title="Doposcuola in biblioteca",
        slug="doposcuola",
        category=Category.SCUOLA_PLUS,
        is_free=True,
        price_amount=None,
        price_unit="",
    )
    sync.update([theatre.pk, school.pk])
    return {"catalog": catalog, "categories": categories, "provider": provider, "services": [theatre, school]}


def test_every_label_a_page_shows_is_its_vocabulary_label(client, catalogue):
    theatre, school = catalogue["services"]
    search_url = catalogue["catalog"].url + "cerca/"
    pages = {
        "catalogue search": search_url,
        "search with every facet selected": search_url + "?" + "&".join(f"{k}={v}" for k, v in ALL_SELECTED.items()),
        "category page": catalogue["categories"][Category.ARTE].url,
        "service page": theatre.url,
        "free service page": school.url,
        "provider page": catalogue["provider"].url,
    }
    wrong, seen = check_pages(client, pages, vocabulary_mismatches)
    assert wrong == []

    # The search page offers every value of every facet, each with its label.
    for facet, vocabulary in FACET_VOCABULARY.items():
        codes = {str(code).lower() for code in vocabulary_labels(vocabulary)}
        assert {code for name, code in seen["catalogue search"] if name == vocabulary} >= codes, facet
    # The service page names its category, every municipio it serves, every delivery mode and descriptor,
    # the days of its weekly schedule.
    service_codes = seen["service page"]
    assert ("category", "arte") in service_codes
    assert {("municipio", "5"), ("municipio", "6")} <= service_codes
    assert {("delivery", mode.value) for mode in DeliveryMode} <= service_codes
    assert {("descriptor", descriptor.value) for descriptor in Descriptor} <= service_codes
    assert {("weekday", "2"), ("weekday", "5")} <= service_codes
    assert {("category", "scuola-plus"), ("cost", "True")} <= seen["free service page"]


#: "Municipio 5", and after a dash whatever follows it as the areas it covers, wherever the HTML writes it: in text,
#: in an attribute (aria-label), in an SVG title, marked with {% term %} or not.
MUNICIPIO_NAME = re.compile(r"Municipio\s+(\d+)(?:\s*[—\u2013-]\s*([^<>\"()]*[^<>\"()\s]))?")


def municipio_mismatches(html: str, where: str) -> tuple[list[str], set[str]]:
    """Every municipio name in `html` whose number or areas differ from `Municipio`'s, and the forms seen
    ("short" for «Municipio 5», "long" for «Municipio 5 — Vigentino, Chiaravalle, Gratosoglio»)."""
    wrong, forms = [], set()
    for match in MUNICIPIO_NAME.finditer(html):
        number, areas = match.group(1), match.group(2)
        label = label_of("municipio", number)
        if label is None:
            wrong.append(f"{where}: {match.group(0)!r} names no municipio")
            continue
        forms.add("long" if areas else "short")
        if areas and f"{label} — {areas}" != long_label_of("municipio", number):
            wrong.append(f"{where}: {match.group(0)!r}, the vocabulary says {long_label_of('municipio', number)!r}")
    return wrong, forms


def test_every_municipio_the_site_names_carries_the_vocabularys_name_and_areas(client, catalogue, home_page):
    hub_index = hub_factories.hub_index(home_page)
    hub = hub_factories.hub(hub_index, "hub-vigentino", municipio=5, title="Hub Vigentino")
    child = ChildFactory()
    Guardian.objects.filter(pk=child.guardian.pk).update(municipio=5)
    pages = {
        "catalogue search": catalogue["catalog"].url + "cerca/",
        "service page": catalogue["services"][0].url,
        "provider page": catalogue["provider"].url,
        "home page": home_page.url,
        "hub index": hub_index.url,
        "hub page": hub.url,
    }
    wrong, forms = check_pages(client, pages, municipio_mismatches)
    client.force_login(child.guardian.user)
    response = client.get(reverse("booking:family"))
    mismatches, forms["family page"] = municipio_mismatches(response.content.decode(), "family page")
    assert wrong + mismatches == []
    # Each page names municipi, in the form it means to: the short name on lists, the areas on a sheet.
    assert forms["service page"] == {"short", "long"}
    assert all("long" in forms[where] for where in ("hub page", "hub index", "family page"))
    assert all("short" in forms[where] for where in ("catalogue search", "provider page", "home page"))
    assert "Municipio 5 — Vigentino, Chiaravalle, Gratosoglio" in response.content.decode()


def test_the_municipio_check_finds_a_name_that_drifted():
    html = (
        "<p>Municipio 5 — Vigentino, Chiaravalle, Gratosoglio</p>"
        '<a aria-label="Hub, Municipio 5 - Vigentino-Gratosoglio">'
        "<span>Municipio 12</span><span>Municipio 9</span>"
    )
    wrong, forms = municipio_mismatches(html, "page")
    assert wrong == [
        "page: 'Municipio 5 - Vigentino-Gratosoglio', the vocabulary says "
        "'Municipio 5 — Vigentino, Chiaravalle, Gratosoglio'",
        "page: 'Municipio 12' names no municipio",
    ]
    assert forms == {"short", "long"}


def test_chips_name_the_facet_and_the_value_as_the_vocabulary_does(client, catalogue):
    url = catalogue["catalog"].url + "cerca/?" + "&".join(f"{k}={v}" for k, v in ALL_SELECTED.items())
    chips = [
        squash("".join(element["text"]))
        for element in parse(client.get(url).content.decode()).marked
        if "m018-chip" in element["attrs"].get("class", "").split()
    ]
    expected = []
    for facet, code in ALL_SELECTED.items():
        expected.append(f"{FACETS[facet].label}: {facet_value_label(facet, code)}")
    assert chips == expected


def test_the_api_and_its_schema_use_the_vocabulary_codes_and_labels(client, catalogue):
    answer = client.get("/api/v1/services/").json()
    for facet, values in answer["facets"].items():
        vocabulary = vocabulary_labels(FACET_VOCABULARY[facet])
        assert [value["value"] for value in values] == list(vocabulary), facet
        assert [value["label"] for value in values] == [facet_value_label(facet, code) for code in vocabulary], facet
    schema = client.get("/api/v1/schema/").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/services/"]["get"]["parameters"]}
    for facet, vocabulary in FACET_VOCABULARY.items():
        items = parameters[facet]["items"]
        if vocabulary in ("cost", "voucher"):
            assert items == {"type": "boolean"}
        else:
            assert items["enum"] == list(vocabulary_labels(vocabulary)), facet
    service = schema["components"]["schemas"]["Service"]["properties"]
    assert service["category"]["enum"] == list(vocabulary_labels("category"))
    assert service["delivery"]["items"]["enum"] == list(vocabulary_labels("delivery"))


def test_the_family_request_form_names_the_days_as_the_vocabulary_does(client, catalogue):
    child = ChildFactory()
    client.force_login(child.guardian.user)
    theatre = catalogue["services"][0]
    response = client.get(reverse("booking:request_new") + f"?servizio={theatre.pk}")
    assert response.status_code == 200
    page = parse(response.content.decode())
    days = {
        attributes["value"]: squash("".join(page.labels_for[input_id]["all"]))
        for input_id, attributes in page.inputs.items()
        if attributes.get("name") == "preferred_days"
    }
    # The form offers the days the service runs (all seven when its sheet names none), each with its label.
    offered = set(service_facts(theatre).weekdays) or set(vocabulary_labels("weekday"))
    assert days == {str(code): str(label) for code, label in vocabulary_labels("weekday").items() if code in offered}

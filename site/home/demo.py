"""Demo content of the home app: site, home page, minisite pages, snippets, settings and demo accounts.

Idempotent: every object is looked up first and created only when missing, so a second run adds no
rows and no revisions (`core.demo_pages.ensure_child`).
The prose (home page, minisite pages, partners, contacts) lives in `demo_data/*.yaml`, read by `demo_data()`.
"""

import functools
import json
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from core.demo_pages import demo_password_hash, ensure_child
from core.vocabularies import Category
from home.models import (
    ContentPage,
    HomeCategory,
    HomePage,
    HomeStep,
    Partner,
    PartnersPage,
    SiteSettings,
    WellbeingDimension,
    WellbeingDimensionsPage,
)

DEMO_PASSWORD = "milano018-demo"
DEMO_ACCOUNTS = [
    # username, name, surname, is_superuser, groups
    ("admin", "Amministratrice", "Demo", True, []),
    ("redazione", "Giulia", "Redattrice", False, ["Editors"]),
    ("moderazione", "Marco", "Moderatore", False, ["Moderators"]),
]
SITE_NAME = "Milano 0.18"
DATA_DIR = Path(__file__).with_name("demo_data")


def stream(*blocks) -> str:
    """StreamField raw data (JSON) from (block_type, value) pairs."""
    return json.dumps([{"type": block_type, "value": value} for block_type, value in blocks])


def heading(text: str, level: str = "h2") -> tuple:
    return ("heading", {"text": text, "level": level})


def paragraph(html: str) -> tuple:
    return ("paragraph", html)


def quote(text: str, attribution: str = "") -> tuple:
    return ("quote", {"text": text, "attribution": attribution})


def table(caption: str, header: list[str], rows: list[list[str]]) -> tuple:
    return (
        "table",
        {
            "data": [header, *rows],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": caption,
        },
    )


def call_to_action(title: str, text: str, button_label: str, page: Page | None = None, url: str = "") -> tuple:
    return (
        "call_to_action",
        {"title": title, "text": text, "page": page.pk if page else None, "url": url, "button_label": button_label},
    )


@functools.cache
def demo_data(name: str) -> dict:
    """The parsed `demo_data/<name>.yaml` of this app (UTF-8; raises FileNotFoundError for an unknown name)."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def stream_from_data(blocks: list[dict], values: dict[str, str], pages: dict[str, Page]) -> str:
    """StreamField raw data from the blocks of a data file, in order.

    Each block is a mapping whose first key names its type: `heading` (`level`: h2 unless given), `paragraph`,
    `quote` (`attribution`), `table` (`header`, `rows`), `call_to_action` (`text`, `button_label`, `page`: the
    slug of a page in `pages`). `${name}` in any text is replaced by `values[name]`.
    """

    def text(value: str) -> str:
        return Template(value).safe_substitute(values)

    built = []
    for block in blocks:
        kind, value = next(iter(block.items()))
        if kind == "heading":
            built.append(heading(text(value), block.get("level", "h2")))
        elif kind == "paragraph":
            built.append(paragraph(text(value)))
        elif kind == "quote":
            built.append(quote(text(value), block.get("attribution", "")))
        elif kind == "table":
            built.append(table(value, block["header"], block["rows"]))
        elif kind == "call_to_action":
            built.append(call_to_action(value, text(block["text"]), block["button_label"], page=pages[block["page"]]))
        else:
            raise ValueError(f"Unknown demo block type: {kind}")
    return stream(*built)


def load(stdout) -> None:
    home = _home()
    site = _site(home)
    _demo_accounts()
    _dimensions()
    _partners()
    pages = _pages(home)
    _site_settings(site, pages)


# --- home page and site ----------------------------------------------------------------------


def _home_content() -> dict:
    data = demo_data("home")
    return {
        **{name: value for name, value in data["home"].items() if name != "steps"},
        "highlight_text": data["voucher_outcome"],
        "steps": [HomeStep(text=text) for text in data["home"]["steps"]],
        "categories": [HomeCategory(code=category) for category in Category],
    }


def _home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for default in root.get_children().exact_type(Page):
            default.delete()
        return ensure_child(root, HomePage, "home", title=SITE_NAME, **_home_content())
    if not home.highlight_text:
        # A home page from before the highlight: add the voucher call's outcome once.
        data = demo_data("home")
        home.highlight_title, home.highlight_text = data["home"]["highlight_title"], data["voucher_outcome"]
        home.save_revision().publish()
    if not home.categories.exists() and not home.steps.exists():
        # A home page from an earlier, barer demo: fill in the seed content once.
        for name, value in _home_content().items():
            if name in ("steps", "categories") or not getattr(home, name):
                setattr(home, name, value)
        home.save_revision().publish()
    return home


def site_address() -> tuple[str, int]:
    """(hostname, port) of the address the site is served on: WAGTAILADMIN_BASE_URL (scripts/run and
    scripts/screenshots set it to the address they serve), so the demo's absolute links (canonical, sitemap,
    JSON-LD, emails) lead back to the same server."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return address.hostname or "localhost", address.port or (443 if address.scheme == "https" else 80)


def _site(home: HomePage) -> Site:
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    hostname, port = site_address()
    wanted = {"root_page_id": home.pk, "hostname": hostname, "port": port, "site_name": SITE_NAME}
    if any(getattr(site, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(site, name, value)
        site.save()
    return site


def _demo_accounts() -> None:
    User = get_user_model()
    for name in {group for *_, groups in DEMO_ACCOUNTS for group in groups}:
        Group.objects.get_or_create(name=name)
    for username, first_name, last_name, is_superuser, groups in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@milano018.example",
                "is_staff": True,
                "is_superuser": is_superuser,
            },
        )
        if created:
            user.password = demo_password_hash(DEMO_PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))


# --- snippets ----------------------------------------------------------------------------------

# number, description, Bootstrap Italia icon (name and colour: core.vocabularies.Dimension)
DIMENSIONS = [
    (
        1,
        "Legami positivi con la famiglia, i coetanei, la scuola e la comunità: "
        "sentirsi ascoltati, accolti e sostenuti.",
        "it-comment",
    ),
    (
        2,
        "Prevenzione, cura e promozione della salute raggiungibili da tutte le famiglie, in ogni fase della crescita.",
        "it-plus-circle",
    ),
    (
        3,
        "Servizi educativi e scuole di qualità, sostegno allo studio e orientamento, dalla prima infanzia in poi.",
        "it-presentation",
    ),
    (
        4,
        "Sport, gioco e movimento vicino a casa, accessibili a ogni età e a ogni condizione.",
        "it-flag",
    ),
    (
        5,
        "Arte, musica, teatro, scienza e tecnologia per scoprire e coltivare i propri talenti.",
        "it-star-outline",
    ),
    (
        6,
        "Partecipare alle scelte che li riguardano e costruire il proprio percorso con crescente autonomia.",
        "it-unlocked",
    ),
    (
        7,
        "Piazze, parchi, biblioteche e luoghi di incontro sicuri, curati e pensati anche per bambini e ragazzi.",
        "it-map-marker",
    ),
]


def _dimensions() -> None:
    for number, description, icon in DIMENSIONS:
        WellbeingDimension.objects.get_or_create(number=number, defaults={"description": description, "icon": icon})


def _partners() -> None:
    for order, partner in enumerate(demo_data("home")["partners"]):
        Partner.objects.get_or_create(
            name=partner["name"],
            defaults={
                "role": Partner.Role(partner["role"]),
                "url": partner["url"],
                "description": partner["description"],
                "sort_order": order,
            },
        )


# --- minisite pages ----------------------------------------------------------------------------

PAGE_MODELS = {"content": ContentPage, "dimensions": WellbeingDimensionsPage, "partners": PartnersPage}


def _text_values() -> dict[str, str]:
    """What `${name}` stands for in the pages' prose."""
    data = demo_data("home")
    return {
        "voucher_outcome": data["voucher_outcome"],
        "partners_text": data["partners_text"],
        "dimensions": "".join(f"<li>{name}</li>" for _, name, *_ in DIMENSIONS),
        **{f"contact_{name}": value for name, value in data["contact"].items()},
    }


def _pages(home: HomePage) -> dict[str, Page]:
    """The minisite's pages of `demo_data/pages.yaml`, in order; returns the footer's pages by setting name."""
    pages: dict[str, Page] = {"home": home}
    footer: dict[str, Page] = {}
    values = _text_values()
    for entry in demo_data("pages")["pages"]:
        fields = {"title": entry["title"], "intro": entry["intro"], "show_in_menus": entry["show_in_menus"]}
        if "body" in entry:
            fields["body"] = stream_from_data(entry["body"], values, pages)
        page = ensure_child(pages[entry["parent"]], PAGE_MODELS[entry["type"]], entry["slug"], **fields)
        pages[entry["slug"]] = page
        if "setting" in entry:
            footer[entry["setting"]] = page
    return footer


def _site_settings(site: Site, legal_pages: dict[str, Page]) -> None:
    settings = SiteSettings.for_site(site)
    wanted = {
        **demo_data("home")["contact"],
        **{f"{name}_id": page.pk for name, page in legal_pages.items()},
    }
    missing = {name: value for name, value in wanted.items() if not getattr(settings, name)}
    if missing:
        for name, value in missing.items():
            setattr(settings, name, value)
        settings.save()

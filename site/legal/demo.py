"""Demo content of the legal app, read from the data files in `demo_content/`.

- `privacy.json`: the «Privacy» section page; `privacy/*.json`: one notice per processing under it;
- `accessibilita.json`: the accessibility statement; `cookie.json`: the cookie statement (a content page
  with the table of cookies).

Idempotent like the rest of the demo: pages are created only when missing (editors' changes win), and the
footer settings are filled only when empty. The plain content pages an earlier demo created at
/accessibilita/ and /privacy/ are replaced only if nobody edited them (a single revision).
"""

import json
from datetime import date
from pathlib import Path

from wagtail.models import Page, Site

from core.demo_pages import ensure_child
from home.demo import paragraph, stream, table
from home.models import ContentPage, HomePage, SiteSettings
from legal.models import AccessibilityStatementPage, PrivacyNoticePage

CONTENT = Path(__file__).resolve().parent / "demo_content"
LEGACY_TITLES = {"accessibilita": "Dichiarazione di accessibilità"}


def read(name: str) -> dict:
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))


def load(stdout) -> None:
    home = HomePage.objects.get()
    _retire_legacy_pages(home)
    privacy = _privacy(home)
    accessibility = _accessibility(home)
    cookie = _cookie(home)
    _site_settings(home, {"privacy_page": privacy, "accessibility_page": accessibility, "cookie_page": cookie})


def _retire_legacy_pages(home: HomePage) -> None:
    """Delete the earlier demo's plain content page at a slug that now has its own page type, if never edited."""
    for slug, title in LEGACY_TITLES.items():
        page = Page.objects.child_of(home).filter(slug=slug, title=title).first()
        if page is not None and isinstance(page.specific, ContentPage) and page.revisions.count() <= 1:
            page.delete()


def _privacy(home: HomePage) -> Page:
    data = read("privacy.json")
    section = ensure_child(
        home,
        ContentPage,
        data["slug"],
        title=data["title"],
        intro=data["intro"],
        body=stream(paragraph(data["body"])),
        show_in_menus=False,
    )
    for path in sorted((CONTENT / "privacy").glob("*.json")):
        notice = json.loads(path.read_text(encoding="utf-8"))
        if PrivacyNoticePage.objects.filter(processing=notice["processing"]).exists():
            continue
        notice["last_updated"] = date.fromisoformat(notice["last_updated"])
        ensure_child(section, PrivacyNoticePage, notice.pop("slug"), **notice)
    return section


def _accessibility(home: HomePage) -> Page:
    existing = AccessibilityStatementPage.objects.first()
    if existing is not None:
        return existing
    data = read("accessibilita.json")
    data["prepared_on"] = date.fromisoformat(data["prepared_on"])
    data["reviewed_on"] = date.fromisoformat(data["reviewed_on"]) if data["reviewed_on"] else None
    return ensure_child(home, AccessibilityStatementPage, data.pop("slug"), **data)


def _cookie(home: HomePage) -> Page:
    data = read("cookie.json")
    body = stream(
        *(paragraph(html) for html in data["paragraphs_before"]),
        table(data["table_caption"], data["table_header"], data["table_rows"]),
        *(paragraph(html) for html in data["paragraphs_after"]),
    )
    return ensure_child(
        home, ContentPage, data["slug"], title=data["title"], intro=data["intro"], body=body, show_in_menus=False
    )


def _site_settings(home: HomePage, pages: dict[str, Page]) -> None:
    site = Site.objects.get(root_page=home)
    settings = SiteSettings.for_site(site)
    missing = {f"{name}_id": page.pk for name, page in pages.items() if not getattr(settings, f"{name}_id")}
    if missing:
        for name, value in missing.items():
            setattr(settings, name, value)
        settings.save()

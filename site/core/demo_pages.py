"""Helpers (not demo content: no `load`) that every app's demo module uses to add pages idempotently.

A page is looked up by its slug under its parent first and created only when missing, so a second run adds no
pages and no revisions, and an editor's changes to a demo page stay. `demo_password_hash` gives the demo accounts'
password hashed once.
"""

import functools

from django.conf import settings
from django.contrib.auth.hashers import make_password
from wagtail.models import Page


def _existing_child(parent: Page, slug: str, model: type[Page]) -> Page | None:
    """The child of `parent` with this slug (specific), or None; TypeError when it is not a `model`."""
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is None:
        return None
    page = existing.specific
    if not isinstance(page, model):
        raise TypeError(f"/{slug}/ under {parent} is a {type(page).__name__}, not a {model.__name__}")
    return page


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def publish_child(parent: Page, page: Page) -> Page:
    """Add the unsaved `page` under `parent` and publish it (one revision), unless `parent` has a child with its slug:
    then return that one as it is. Raises TypeError when that child is of another type than `page`."""
    existing = _existing_child(parent, page.slug, type(page))
    return existing if existing is not None else _publish(parent, page)


def ensure_child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """Return the child of `parent` with this slug; create and publish it (one revision) only when missing.

    `fields` are passed to the model's constructor, so they may include child relations
    (`steps=[HomeStep(...)]`) and parental many-to-many values. An existing page is returned as it is
    (editors' changes win); it must be of `model`'s type (TypeError otherwise).
    """
    existing = _existing_child(parent, slug, model)
    return existing if existing is not None else _publish(parent, model(slug=slug, **fields))


def menu_section(parent: Page, model: type[Page], slug: str, title: str, intro: str) -> Page:
    """A section's landing page (`model`, with an `intro`) under `parent`, listed in the main menu: `ensure_child`."""
    return ensure_child(parent, model, slug, title=title, intro=intro, show_in_menus=True)


def demo_password_hash(password: str) -> str:
    """`password` hashed with the configured hasher, once per process: every demo account shares the demo password
    (published in the README), and each hash with Django's PBKDF2 (1,000,000 rounds) costs about 0.3 s of CPU, a dozen
    times per `load_demo`. The accounts then share one salt too, which tells nothing the README does not."""
    return _hash(password, settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash(password: str, hasher: str) -> str:
    return make_password(password)

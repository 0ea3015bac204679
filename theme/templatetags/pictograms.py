"""`{% pictogram kind code %}`: the project's own line pictograms, inlined so they take the text colour.

The drawings are the SVG files in `theme/static/theme/pictograms/` (24 x 24, stroke `currentColor`), one per
catalogue category (`category`, code as in `core` vocab: "sport", "arte", "stem", "salute", "scuola-plus")
and one per wellbeing dimension (`dimension`, number 1-7). Each file's <title> is its text alternative.

With `label` (or `labelled=True`, which uses the file's title) the pictogram is an image named for assistive
technology (`role="img"`, `aria-label`); without, it is decorative (`aria-hidden`), for places where its name
is written next to it. An unknown kind or code renders nothing: a new category never breaks a page.
"""

import re
from functools import cache
from pathlib import Path

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

PICTOGRAM_DIR = Path(__file__).resolve().parent.parent / "static" / "theme" / "pictograms"
KINDS = ("category", "dimension")
_TITLE = re.compile(r"<title>(.*?)</title>")


@cache
def _drawing(kind: str, code: str) -> tuple[str, str] | None:
    """(title, inner markup) of one pictogram file, or None when there is no such file."""
    if kind not in KINDS or not re.fullmatch(r"[a-z0-9-]+", code):
        return None
    path = PICTOGRAM_DIR / f"{kind}-{code}.svg"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    title = _TITLE.search(text).group(1)
    inner = text[text.index(">", text.index("<svg")) + 1 : text.rindex("</svg>")]
    return title, _TITLE.sub("", inner)


def pictogram_title(kind: str, code) -> str:
    """The text alternative of a pictogram ('' when it does not exist)."""
    drawing = _drawing(kind, str(code))
    return drawing[0] if drawing else ""


@register.simple_tag
def pictogram(kind: str, code, label: str = "", labelled: bool = False, size: int = 32, css: str = ""):
    drawing = _drawing(kind, str(code))
    if drawing is None:
        return ""
    title, inner = drawing
    name = label or (title if labelled else "")
    access = f'role="img" aria-label="{escape(name)}"' if name else 'aria-hidden="true" focusable="false"'
    classes = f"m018-pictogram m018-pictogram--{kind} {css}".strip()
    return mark_safe(
        f'<svg class="{escape(classes)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{int(size)}" '
        f'height="{int(size)}" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" '
        f'stroke-linejoin="round" {access}>{inner}</svg>'
    )

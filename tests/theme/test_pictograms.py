"""The project's pictograms: one for every category and wellbeing dimension, with a text alternative, in the
colour of the text around them; and the stylesheets take their colours from the theme's tokens only."""

import re
from pathlib import Path

from django.template import Context, Template

from catalog.models import ServicePage
from theme.templatetags.pictograms import PICTOGRAM_DIR, pictogram_title

ROOT = Path(__file__).resolve().parent.parent.parent
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b")


def render(source: str) -> str:
    return Template("{% load pictograms %}" + source).render(Context())


def test_every_category_and_dimension_has_a_named_line_pictogram():
    categories = [code for code, _label in ServicePage._meta.get_field("category").choices]
    assert len(categories) == 5
    for kind, code in [("category", code) for code in categories] + [("dimension", n) for n in range(1, 8)]:
        assert pictogram_title(kind, code), f"no pictogram for {kind} {code}"
        svg = (PICTOGRAM_DIR / f"{kind}-{code}.svg").read_text()
        assert 'stroke="currentColor"' in svg and not HEX_COLOUR.search(svg), f"{kind} {code} has its own colour"
    assert pictogram_title("dimension", 4) == "Opportunità di praticare attività fisica"


def test_a_pictogram_is_decorative_next_to_its_name_and_named_alone():
    decorative = render('{% pictogram "category" "sport" %}')
    assert decorative.startswith("<svg") and 'aria-hidden="true"' in decorative and "role=" not in decorative
    assert "<title>" not in decorative  # a hidden drawing says nothing twice

    named = render('{% pictogram "dimension" 2 labelled=True %}')
    assert 'role="img" aria-label="Accesso ai servizi sanitari"' in named
    escaped = render('{% pictogram "category" "sport" label="Sport e <movimento>" %}')
    assert 'aria-label="Sport e &lt;movimento&gt;"' in escaped


def test_an_unknown_pictogram_renders_nothing():
    assert render('{% pictogram "category" "cucina" %}') == ""
    assert render('{% pictogram "dimension" 8 %}') == ""
    assert render('{% pictogram "category" "../../settings" %}') == ""
    assert render('{% pictogram "logo" "sport" %}') == ""


def test_stylesheets_use_the_theme_tokens_for_every_colour():
    """Hex colours live only in the tokens block of milano018.css (and in the SPID button's AgID stylesheet)."""
    sheets = sorted(ROOT.glob("site/*/static/**/*.css")) + [ROOT / "theme/static/theme/css/milano018.css"]
    found = {}
    for sheet in sheets:
        text = sheet.read_text()
        if sheet.name == "milano018.css":
            text = text.split("}", 1)[1]  # after :root { ... }
        colours = [c for c in HEX_COLOUR.findall(text) if c.lower() not in ("#fff", "#ffffff")]
        if colours:
            found[str(sheet.relative_to(ROOT))] = colours
    assert found == {}

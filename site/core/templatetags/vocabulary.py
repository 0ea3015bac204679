"""Template side of `core.vocabularies`: a code's label, always from the one vocabulary.

    {% load vocabulary %}
    {% term "category" page.category %}               -> <span data-vocabulary="category" data-code="arte">Arte</span>
    {% term "category" page.category "m018-badge" %}  -> the same with class="m018-badge"
    {% term "municipio" hub.municipio long=True %}    -> «Municipio 5 — Vigentino, Chiaravalle, Gratosoglio»
    <a aria-label="{{ hub.municipio|vocabulary_label:'municipio' }}">  (attributes: the bare label)

The `data-vocabulary` / `data-code` pair lets `tests/core/test_vocabulary_labels.py` check every label a
page shows against the vocabulary. An unknown vocabulary name is a programming error (KeyError); an
unknown code renders nothing (a stored code the vocabulary dropped shows no invented label).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.vocabularies import label_of, long_label_of

register = template.Library()


@register.simple_tag
def term(vocabulary: str, code, css_class: str = "", long: bool = False):
    """The label of `code` in `vocabulary`, marked with its vocabulary and code; "" for an unknown code.

    `long=True` gives the long label where the vocabulary has one (a municipio with its areas), marked
    `data-form="long"`.
    """
    label = long_label_of(vocabulary, code) if long else label_of(vocabulary, code)
    if label is None:
        return ""
    return format_html(
        '<span{} data-vocabulary="{}" data-code="{}"{}>{}</span>',
        format_html(' class="{}"', css_class) if css_class else "",
        vocabulary,
        code,
        mark_safe(' data-form="long"') if long else "",
        label,
    )


@register.filter
def vocabulary_label(code, vocabulary: str) -> str:
    """The bare label of `code` (for attributes and text where no markup fits); "" for an unknown code."""
    return label_of(vocabulary, code) or ""

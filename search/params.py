"""From request parameters (a QueryDict) to a validated SearchQuery.

Multi-valued filters accept repeated parameters (`municipio=1&municipio=3`, what a GET form with
checkboxes sends) and comma-separated lists (`municipio=1,3`). Every problem is reported, per
parameter, in Italian: `SearchQueryError.errors == {"municipio": ["..."]}`. Each facet's parameter is
parsed as its declaration says (`search.facets`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from core.vocabularies import MAX_AGE
from search import facets
from search.api import MAX_PAGE_SIZE, SORTS, SearchQuery, SearchQueryError

INTEGER_PARAMS = ("age", "provider", "page", "page_size")


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    raw = params.getlist(name) if hasattr(params, "getlist") else [params[name]] if name in params else []
    return [part.strip() for value in raw for part in str(value).split(",") if part.strip()]


INTEGER_MESSAGES: dict[str, Callable[[], str]] = {
    "age": lambda: _("L'età è un numero intero da 0 a %(max)d.") % {"max": MAX_AGE},
    "provider": lambda: _("L'ente è indicato dal suo identificativo numerico."),
    "page": lambda: _("La pagina è un numero intero maggiore di zero."),
    "page_size": lambda: _("Gli elementi per pagina sono un numero intero da 1 a %(max)d.") % {"max": MAX_PAGE_SIZE},
}


def parse_params(params: Mapping[str, Any], default_page_size: int = 20) -> SearchQuery:
    """Build a SearchQuery, or raise SearchQueryError listing every invalid parameter."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {"page_size": default_page_size}
    if "q" in params:
        fields["q"] = " ".join(params.getlist("q")) if hasattr(params, "getlist") else str(params["q"])

    for name, facet in facets.FACETS.items():
        values, bad = set(), []
        for raw in _values(params, name):
            try:
                values.add(facet.parse(raw))
            except ValueError:
                bad.append(raw)
        if bad:
            errors[name] = [_("Valore non valido: %(values)s.") % {"values": ", ".join(bad)} + " " + facet.hint()]
        fields[name] = frozenset(values)

    for name in INTEGER_PARAMS:
        values = _values(params, name)
        if not values:
            continue
        if len(values) > 1:
            errors[name] = [_("Indica un solo valore.")]
            continue
        try:
            fields[name] = int(values[0])
        except ValueError:
            errors[name] = [INTEGER_MESSAGES[name]()]

    sort = _values(params, "sort")
    if sort:
        if len(sort) > 1 or sort[0] not in SORTS:
            errors["sort"] = [_("Ordinamento non valido: scegli tra %(sorts)s.") % {"sorts": ", ".join(SORTS)}]
        else:
            fields["sort"] = sort[0]

    try:
        query = SearchQuery(**{k: v for k, v in fields.items() if k not in errors})
    except SearchQueryError as error:
        errors = {**error.errors, **errors}
    if errors:
        raise SearchQueryError({name: errors[name] for name in sorted(errors)})
    return query

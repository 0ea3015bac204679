"""From request parameters (a QueryDict) to a validated SearchQuery.

Multi-valued filters accept repeated parameters (`municipio=1&municipio=3`, what a GET form with
checkboxes sends) and comma-separated lists (`municipio=1,3`). Every problem is reported, per
parameter, in Italian: `SearchQueryError.errors == {"municipio": ["..."]}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from search.api import FACETS, MAX_PAGE_SIZE, SORTS, SearchQuery, SearchQueryError
from search.documents import CATEGORIES, DAYS, DELIVERY, MAX_AGE, MUNICIPI, WELLBEING

TRUE = {"true", "1", "si", "sì", "yes", "on"}
FALSE = {"false", "0", "no", "off"}
FACET_PARAMS = tuple(FACETS)
INTEGER_PARAMS = ("age", "provider", "page", "page_size")


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    raw = params.getlist(name) if hasattr(params, "getlist") else [params[name]] if name in params else []
    return [part.strip() for value in raw for part in str(value).split(",") if part.strip()]


def _boolean(value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ValueError


def _choice(allowed: Mapping[Any, Any], convert: Callable[[str], Any] = str) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        converted = convert(value)
        if converted not in allowed:
            raise ValueError
        return converted

    return parse


PARSERS: dict[str, tuple[Callable[[str], Any], Callable[[], str]]] = {
    "category": (
        _choice(CATEGORIES),
        lambda: _("Categoria non valida: scegli tra %(v)s.") % {"v": ", ".join(CATEGORIES)},
    ),
    "municipio": (_choice(MUNICIPI, int), lambda: _("Il municipio è un numero da 1 a 9.")),
    "free": (_boolean, lambda: _("Indica true o false.")),
    "voucher": (_boolean, lambda: _("Indica true o false.")),
    "delivery": (
        _choice(DELIVERY),
        lambda: _("Modalità non valida: scegli tra %(v)s.") % {"v": ", ".join(DELIVERY)},
    ),
    "day": (_choice(DAYS, int), lambda: _("Il giorno è un numero da 0 (lunedì) a 6 (domenica).")),
    "wellbeing": (
        _choice(WELLBEING),
        lambda: _("Descrittore non valido: scegli tra %(v)s.") % {"v": ", ".join(WELLBEING)},
    ),
}
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

    for name in FACET_PARAMS:
        parse, message = PARSERS[name]
        values, bad = set(), []
        for raw in _values(params, name):
            try:
                values.add(parse(raw))
            except ValueError:
                bad.append(raw)
        if bad:
            errors[name] = [_("Valore non valido: %(values)s.") % {"values": ", ".join(bad)} + " " + message()]
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

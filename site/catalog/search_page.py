"""The catalogue search page (category pages and /catalogo/cerca/): from the query string to a template context.

Every state is a URL: filters, chips, sort, pagination and "drop this filter" links are all plain GET links
built here, so the page works without JavaScript and `catalog/search.js` only swaps the results fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.vocabularies import MAX_AGE
from search.api import FACETS, SearchQuery, SearchQueryError, facet_label, get_backend
from search.api_views import clean_params
from search.documents import ServiceDocument
from search.facets import FACETS as DECLARED
from search.params import parse_params

PAGE_SIZE = 12
#: Query-string flag that asks for the results fragment only (what the JavaScript fetches).
FRAGMENT_PARAM = "fragment"
#: Filters that drop-one suggestions are offered for, at most (each costs one count query set).
MAX_SUGGESTIONS = 8

SORT_LABELS = {
    "relevance": gettext_lazy("Pertinenza"),
    "newest": gettext_lazy("Più recenti"),
    "price": gettext_lazy("Prezzo crescente"),
    "-price": gettext_lazy("Prezzo decrescente"),
    "rating": gettext_lazy("Gradimento"),
    "name": gettext_lazy("Nome (A-Z)"),
}


def param_value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@dataclass
class SearchState:
    """The search as URL parameters; `url(...)` builds the link to a variation of it."""

    base_url: str
    query: SearchQuery
    fixed_category: str = ""

    def params(self, drop: tuple[str, Any] | None = None, page: int = 1, sort: str | None = None) -> list:
        """(name, value) pairs of this search, without `drop` (a facet value, or a whole parameter)."""
        query = self.query
        pairs: list[tuple[str, str]] = []
        if query.q and drop != ("q", None):
            pairs.append(("q", query.q))
        for facet in FACETS:
            values = sorted(query.selected(facet), key=param_value)
            if drop and drop[0] == facet:
                values = [] if drop[1] is None else [v for v in values if v != drop[1]]
            pairs += [(facet, param_value(v)) for v in values]
            if facet == "category" and self.fixed_category and not values:
                pairs.append(("category", ""))  # "no category chosen", not "the page's own category"
        for name in ("age", "provider"):
            value = getattr(query, name)
            if value is not None and drop != (name, None):
                pairs.append((name, str(value)))
        sort = query.sort if sort is None else sort
        if sort:
            pairs.append(("sort", sort))
        if page > 1:
            pairs.append(("page", str(page)))
        return pairs

    def url(self, **kwargs) -> str:
        pairs = self.params(**kwargs)
        return f"{self.base_url}?{urlencode(pairs)}" if pairs else self.base_url


def _parse(params: QueryDict) -> tuple[SearchQuery, dict[str, list[str]]]:
    """The valid part of the search, and the Italian messages about the rest (never a 400 on a page)."""
    try:
        return parse_params(params, default_page_size=PAGE_SIZE), {}
    except SearchQueryError as error:
        kept = params.copy()
        for name in error.errors:
            kept.pop(name, None)
        try:
            return parse_params(kept, default_page_size=PAGE_SIZE), error.errors
        except SearchQueryError:
            return SearchQuery(page_size=PAGE_SIZE), error.errors


def _facet_groups(result, state: SearchState) -> list[dict]:
    groups = []
    for facet, values in result.facets.items():
        groups.append(
            {
                "name": facet,
                "legend": DECLARED[facet].label,
                "values": [
                    {
                        "id": f"f-{facet}-{param_value(v.value)}",
                        "param": param_value(v.value),
                        "label": v.label,
                        "count": v.count,
                        "selected": v.selected,
                        # Zero-count values stay visible (the list does not jump) but cannot be ticked.
                        "disabled": v.count == 0 and not v.selected,
                    }
                    for v in values
                ],
            }
        )
    return groups


def _chips(state: SearchState) -> list[dict]:
    query = state.query
    chips = []
    if query.q:
        chips.append({"label": _("Testo: «%(q)s»") % {"q": query.q}, "url": state.url(drop=("q", None))})
    for facet in FACETS:
        for value in sorted(query.selected(facet), key=param_value):
            chips.append(
                {
                    "label": f"{DECLARED[facet].label}: {facet_label(facet, value)}",
                    "url": state.url(drop=(facet, value)),
                }
            )
    if query.age is not None:
        chips.append({"label": _("Età: %(age)d anni") % {"age": query.age}, "url": state.url(drop=("age", None))})
    if query.provider is not None:
        chips.append({"label": _("Ente selezionato"), "url": state.url(drop=("provider", None))})
    return chips


def _suggestions(state: SearchState, backend) -> list[dict]:
    """With no results: for each active filter, what dropping it alone would bring back."""
    query = state.query
    groups: list[tuple[str, str]] = []
    if query.q:
        groups.append(("q", _("il testo cercato")))
    groups += [(facet, str(DECLARED[facet].label).lower()) for facet in FACETS if query.selected(facet)]
    if query.age is not None:
        groups.append(("age", _("l'età")))
    if query.provider is not None:
        groups.append(("provider", _("l'ente")))
    suggestions = []
    for name, label in groups[:MAX_SUGGESTIONS]:
        cleared = "" if name == "q" else frozenset() if name in FACETS else None
        dropped = SearchQuery(**{**query.arguments(), name: cleared, "page": 1, "page_size": 1})
        count = backend.search(dropped).count
        suggestions.append({"label": label, "count": count, "url": state.url(drop=(name, None))})
    return sorted(suggestions, key=lambda s: -s["count"])


def _card(doc: ServiceDocument) -> dict[str, Any]:
    price = doc.price_text
    if doc.age_min is None and doc.age_max is None:
        ages = _("Tutte le età")
    else:
        bounds = {"min": doc.age_min or 0, "max": MAX_AGE if doc.age_max is None else doc.age_max}
        ages = _("Età: %(min)s-%(max)s anni") % bounds
    return {
        "doc": doc,
        "price": price,
        "ages": ages,
    }


def count_text(count: int) -> str:
    if not count:
        return _("Nessun servizio trovato")
    return ngettext("%(n)d servizio trovato", "%(n)d servizi trovati", count) % {"n": count}


def _pages(result, state: SearchState) -> dict:
    query = result.query
    last = max(1, -(-result.count // query.page_size))
    window = range(max(1, query.page - 2), min(last, query.page + 2) + 1)
    return {
        "number": query.page,
        "last": last,
        "previous": state.url(page=query.page - 1) if query.page > 1 else "",
        "next": state.url(page=query.page + 1) if query.page < last else "",
        "links": [{"number": n, "url": state.url(page=n), "current": n == query.page} for n in window],
    }


def search_context(request, base_url: str, fixed_category: str = "") -> dict[str, Any]:
    params = clean_params(request.GET)
    if fixed_category and "category" not in params:
        params = params.copy()
        params.setlist("category", [fixed_category])
    query, errors = _parse(params)
    backend = get_backend()
    result = backend.search(query)
    state = SearchState(base_url, query, fixed_category)
    chips = _chips(state)
    return {
        "search": {
            "action": base_url,
            "query": query,
            "result": result,
            "errors": errors,
            "count_text": count_text(result.count),
            "cards": [_card(hit) for hit in result.hits],
            "facet_groups": _facet_groups(result, state),
            "chips": chips,
            # The «Filtri (n)» disclosure counts the filters, not the text typed in the search box.
            "active_filters": len(chips) - bool(query.q),
            "clear_url": base_url + ("?category=" if fixed_category else ""),
            "ages": range(MAX_AGE + 1),
            "sorts": [
                # The default order is sent as "" so that the URL of an unsorted search stays without `sort`.
                {
                    "value": "" if code == query.effective_sort and not query.sort else code,
                    "label": label,
                    "selected": code == query.effective_sort,
                }
                for code, label in SORT_LABELS.items()
            ],
            "pages": _pages(result, state),
            "suggestions": _suggestions(state, backend) if not result.count else [],
            "fixed_category": fixed_category,
        }
    }


def is_fragment(request) -> bool:
    return request.GET.get(FRAGMENT_PARAM) == "1"

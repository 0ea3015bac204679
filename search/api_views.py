"""The public JSON API of the catalogue search: `/api/v1/services/`, its autocomplete and its OpenAPI schema.

Plain Django views: the answers are built from the engine's `SearchResult`, in the shape the OpenAPI
document in `search.openapi` describes (the tests validate every answer against it).
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from search.api import FacetValue, SearchQueryError, SearchResult, get_backend
from search.documents import ServiceDocument
from search.facets import api_facets
from search.params import parse_params

API_PAGE_SIZE = 20
CACHE_SECONDS = 60
#: Characters no search text needs, which PostgreSQL refuses in a string (NUL) or that only make noise.
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def clean_params(params):
    """The query string with control characters removed from `q` (a NUL would break PostgreSQL)."""
    if "q" not in params:
        return params
    params = params.copy()
    params.setlist("q", [value.translate(_CONTROL) for value in params.getlist("q")])
    return params


def hit_json(doc: ServiceDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "url": doc.url,
        "summary": doc.summary,
        "category": doc.category,
        "provider": {"name": doc.provider_name, "url": doc.provider_url},
        "municipi": list(doc.municipi),
        "reach_municipi": list(doc.reach_municipi),
        "age_min": doc.age_min,
        "age_max": doc.age_max,
        "price": None if doc.price is None else f"{doc.price:.2f}",
        "price_unit": doc.price_unit or None,
        "price_text": doc.price_text,
        "free": doc.free,
        "voucher": doc.voucher,
        "delivery": list(doc.delivery),
        "rating": {"average": doc.rating_average, "count": doc.rating_count},
    }


def facet_json(value: FacetValue) -> dict[str, Any]:
    return {"value": value.value, "label": value.label, "count": value.count, "selected": value.selected}


def result_json(result: SearchResult) -> dict[str, Any]:
    return {
        "count": result.count,
        "page": result.query.page,
        "page_size": result.query.page_size,
        "results": [hit_json(hit) for hit in result.hits],
        "facets": {facet.code: [facet_json(value) for value in result.facets[facet.code]] for facet in api_facets()},
    }


def errors_response(errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def services(request):
    try:
        query = parse_params(clean_params(request.GET), default_page_size=API_PAGE_SIZE)
    except SearchQueryError as error:
        return errors_response(error.errors)
    return JsonResponse(result_json(get_backend().search(query)), json_dumps_params={"ensure_ascii": False})


AUTOCOMPLETE_MAX_LENGTH = 100


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def autocomplete(request):
    q = " ".join(" ".join(clean_params(request.GET).getlist("q")).split())
    if len(q) > AUTOCOMPLETE_MAX_LENGTH:
        return errors_response(
            {"q": [_("Il testo può avere al massimo %(n)d caratteri.") % {"n": AUTOCOMPLETE_MAX_LENGTH}]}
        )
    suggestions = get_backend().autocomplete(q) if q else []
    return JsonResponse(
        {"q": q, "suggestions": [{"label": s.label, "kind": s.kind, "url": s.url} for s in suggestions]},
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@cache_control(public=True, max_age=3600)
def schema(request):
    from search.openapi import openapi_schema

    return JsonResponse(openapi_schema(), json_dumps_params={"ensure_ascii": False})

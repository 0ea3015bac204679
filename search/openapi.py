"""The OpenAPI 3 description of the catalogue API, built from the engine's own vocabularies.

Every facet parameter, enum and facet schema comes from the facets' declarations (`search.facets`),
which the parameter parser and the backends use too, so the schema cannot drift from what the API
accepts; the test suite runs schemathesis against it. The schema is built at each call.
"""

from __future__ import annotations

from typing import Any

from core.vocabularies import MAX_AGE, Category, DeliveryMode, Municipio, PriceUnit, labels
from search import facets
from search.api import MAX_ID, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_RESULT_WINDOW, SORTS
from search.api_views import API_PAGE_SIZE, AUTOCOMPLETE_MAX_LENGTH

VERSION = "1.0.0"


def _multi(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description + " Ripetibile (OR tra i valori); accetta anche valori separati da virgola.",
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": items},
    }


def _integer(name: str, minimum: int, maximum: int, description: str, default: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum, "maximum": maximum}
    if default is not None:
        schema["default"] = default
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _facet(value_schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["value", "label", "count", "selected"],
            "additionalProperties": False,
            "properties": {
                "value": value_schema,
                "label": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
                "selected": {"type": "boolean"},
            },
        },
    }


def value_schema(facet: facets.Facet) -> dict[str, Any]:
    """The JSON schema of one value of a facet: a boolean, or an enum of its vocabulary's codes."""
    if facet.value_type is bool:
        return {"type": "boolean"}
    return {"type": "integer" if facet.value_type is int else "string", "enum": list(facet.values)}


def _enum(values: dict[Any, Any], kind: str) -> dict[str, Any]:
    return {"type": kind, "enum": list(values)}


# The services' own fields (not facets) that carry a vocabulary's codes.
CATEGORY = _enum(labels(Category), "string")
MUNICIPIO = _enum(labels(Municipio), "integer")
DELIVERY_MODE = _enum(labels(DeliveryMode), "string")
PRICE_UNIT = _enum(labels(PriceUnit), "string")

ERRORS = {
    "description": "Parametri non validi: per ogni parametro, i messaggi in italiano.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["errors"],
                "additionalProperties": False,
                "properties": {
                    "errors": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    }
                },
            }
        }
    },
}

SERVICE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "title",
        "url",
        "summary",
        "category",
        "provider",
        "municipi",
        "reach_municipi",
        "age_min",
        "age_max",
        "price",
        "price_unit",
        "price_text",
        "free",
        "voucher",
        "delivery",
        "rating",
    ],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": "string", "description": "Indirizzo della scheda servizio."},
        "summary": {"type": "string"},
        "category": CATEGORY,
        "provider": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "url"],
            "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
        },
        "municipi": {"type": "array", "items": MUNICIPIO, "description": "Municipi delle sedi: dove si svolge."},
        "reach_municipi": {
            "type": "array",
            "items": MUNICIPIO,
            "description": "Municipi raggiunti a domicilio; vuoto se il servizio non si svolge a domicilio.",
        },
        "age_min": {"type": "integer", "minimum": 0, "maximum": MAX_AGE, "nullable": True},
        "age_max": {"type": "integer", "minimum": 0, "maximum": MAX_AGE, "nullable": True},
        "price": {
            "type": "string",
            "pattern": r"^\d+\.\d{2}$",
            "nullable": True,
            "description": "Prezzo in euro con due decimali; null se gratuito o non indicato.",
        },
        "price_unit": {
            **PRICE_UNIT,
            "enum": [*PRICE_UNIT["enum"], None],
            "nullable": True,
            "description": "A che cosa si riferisce il prezzo: "
            + ", ".join(f"{code} ({label})" for code, label in labels(PriceUnit).items())
            + "; null se gratuito.",
        },
        "price_text": {
            "type": "string",
            "description": "Il prezzo come lo legge una famiglia, sempre con l'unità: "
            "«€ 12,00 a incontro», «Gratuito».",
        },
        "free": {"type": "boolean"},
        "voucher": {"type": "boolean"},
        "delivery": {"type": "array", "items": DELIVERY_MODE},
        "rating": {
            "type": "object",
            "additionalProperties": False,
            "required": ["average", "count"],
            "properties": {
                "average": {"type": "number", "minimum": 0, "maximum": 5, "nullable": True},
                "count": {"type": "integer", "minimum": 0},
            },
        },
    },
}


def search_result() -> dict[str, Any]:
    """The schema of a search answer; its facets are the declared facets the API returns."""
    api_facets = facets.api_facets()
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["count", "page", "page_size", "results", "facets"],
        "properties": {
            "count": {"type": "integer", "minimum": 0, "description": "Servizi che soddisfano tutti i filtri."},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
            "facets": {
                "type": "object",
                "additionalProperties": False,
                "description": (
                    "Conteggi disgiuntivi: ogni faccetta applica tutti gli altri filtri ma non il proprio. "
                    "Tutti i valori sono presenti, anche quelli con conteggio zero e quelli selezionati."
                ),
                "required": [facet.code for facet in api_facets],
                "properties": {facet.code: _facet(value_schema(facet)) for facet in api_facets},
            },
        },
    }


SUGGESTIONS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["q", "suggestions"],
    "properties": {
        "q": {"type": "string"},
        "suggestions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["label", "kind", "url"],
                "properties": {
                    "label": {"type": "string"},
                    "kind": {"type": "string", "enum": ["service", "provider"]},
                    "url": {"type": "string"},
                },
            },
        },
    },
}


def _json(description: str, ref: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def openapi_schema() -> dict[str, Any]:
    parameters = [
        {
            "name": "q",
            "in": "query",
            "required": False,
            "description": "Testo libero (analisi italiana, sinonimi, tolleranza agli errori di battitura).",
            "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        },
        *(_multi(facet.code, value_schema(facet), facet.description) for facet in facets.FACETS.values()),
        _integer("age", 0, MAX_AGE, "Età della bambina o del bambino: servizi la cui fascia d'età la comprende."),
        _integer("provider", 1, MAX_ID, "Identificativo dell'ente."),
        {
            "name": "sort",
            "in": "query",
            "required": False,
            "description": "Ordinamento: pertinenza (predefinito con q), prezzo, gradimento, più recenti, nome.",
            "schema": {"type": "string", "enum": list(SORTS)},
        },
        _integer(
            "page",
            1,
            MAX_RESULT_WINDOW,
            f"Pagina, da 1; page x page_size non può superare {MAX_RESULT_WINDOW} (altrimenti 400).",
            default=1,
        ),
        _integer("page_size", 1, MAX_PAGE_SIZE, "Servizi per pagina.", default=API_PAGE_SIZE),
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Milano 0.18 - Catalogo dei servizi",
            "version": VERSION,
            "description": "Ricerca nel catalogo dei servizi 0-18 del Comune di Milano: filtri, faccette, ordinamento.",
        },
        "paths": {
            "/api/v1/services/": {
                "get": {
                    "operationId": "searchServices",
                    "summary": "Cerca i servizi del catalogo",
                    "parameters": parameters,
                    "responses": {
                        "200": _json("Una pagina di risultati con le faccette.", "#/components/schemas/SearchResult"),
                        "400": ERRORS,
                    },
                }
            },
            "/api/v1/services/autocomplete/": {
                "get": {
                    "operationId": "autocompleteServices",
                    "summary": "Suggerimenti per nomi di servizi ed enti",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": False,
                            "description": "Inizio di una qualsiasi parola del nome; vuoto: nessun suggerimento.",
                            "schema": {"type": "string", "maxLength": AUTOCOMPLETE_MAX_LENGTH},
                        }
                    ],
                    "responses": {
                        "200": _json("Suggerimenti.", "#/components/schemas/Suggestions"),
                        "400": ERRORS,
                    },
                }
            },
        },
        "components": {"schemas": {"Service": SERVICE, "SearchResult": search_result(), "Suggestions": SUGGESTIONS}},
    }

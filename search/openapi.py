"""The OpenAPI 3 description of the catalogue API, built from the engine's own vocabularies.

Every enum comes from the same constants the parameter parser and the backends use, so the schema
cannot drift from what the API accepts; the test suite runs schemathesis against it.
"""

from __future__ import annotations

from typing import Any

from search.api import MAX_ID, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_RESULT_WINDOW, SORTS
from search.api_views import API_PAGE_SIZE, AUTOCOMPLETE_MAX_LENGTH
from search.documents import CATEGORIES, DAYS, DELIVERY, MAX_AGE, MUNICIPI, PRICE_UNITS, WELLBEING

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


CATEGORY = {"type": "string", "enum": list(CATEGORIES)}
MUNICIPIO = {"type": "integer", "enum": list(MUNICIPI)}
BOOLEAN = {"type": "boolean"}
DELIVERY_MODE = {"type": "string", "enum": list(DELIVERY)}
DAY = {"type": "integer", "enum": list(DAYS)}

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
        "municipi": {"type": "array", "items": MUNICIPIO},
        "age_min": {"type": "integer", "minimum": 0, "maximum": MAX_AGE, "nullable": True},
        "age_max": {"type": "integer", "minimum": 0, "maximum": MAX_AGE, "nullable": True},
        "price": {
            "type": "string",
            "pattern": r"^\d+\.\d{2}$",
            "nullable": True,
            "description": "Prezzo in euro con due decimali; null se gratuito o non indicato.",
        },
        "price_unit": {
            "type": "string",
            "enum": [*PRICE_UNITS, None],
            "nullable": True,
            "description": "A che cosa si riferisce il prezzo: session (a incontro), month (al mese), "
            "course (per l'intero corso), one-off (una tantum); null se gratuito.",
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

SEARCH_RESULT = {
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
            "required": ["category", "municipio", "free", "voucher", "delivery", "day"],
            "properties": {
                "category": _facet(CATEGORY),
                "municipio": _facet(MUNICIPIO),
                "free": _facet(BOOLEAN),
                "voucher": _facet(BOOLEAN),
                "delivery": _facet(DELIVERY_MODE),
                "day": _facet(DAY),
            },
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
        _multi("category", CATEGORY, "Categoria."),
        _multi("municipio", MUNICIPIO, "Municipio servito (1-9)."),
        _integer("age", 0, MAX_AGE, "Età della bambina o del bambino: servizi la cui fascia d'età la comprende."),
        _multi("free", BOOLEAN, "Gratuito (true) o a pagamento (false)."),
        _multi("voucher", BOOLEAN, "Accetta il voucher Milano 0.18 (true) o no (false)."),
        _multi("delivery", DELIVERY_MODE, "Sede di erogazione."),
        _multi("day", DAY, "Giorno della settimana dell'attività, da 0 (lunedì) a 6 (domenica)."),
        _multi(
            "wellbeing",
            {"type": "string", "enum": list(WELLBEING)},
            "Descrittore del benessere con punteggio almeno 3.",
        ),
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
        "components": {"schemas": {"Service": SERVICE, "SearchResult": SEARCH_RESULT, "Suggestions": SUGGESTIONS}},
    }

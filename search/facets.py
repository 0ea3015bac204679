"""The catalogue's search facets, each declared ONCE; everything else about a facet is derived from here.

A `Facet` says what a filter of the catalogue is: its code (the query parameter, the API's facet key),
its Italian label (the page's legend and chip prefix), its vocabulary (every value with its label, in
display order, from `core.vocabularies`), how it filters (one value per service, several, or yes/no)
and how it is counted (disjunctive: OR within the facet, AND across facets; each facet counted with
every other selection but not its own). From `FACETS` come:

- the query parser and its Italian messages (`search.params`), and `SearchQuery`'s selections (`search.api`);
- the database backend's columns, bitmasks, filters and counts (`search.models`, `search.backends.database`);
- the Elasticsearch mapping, document fields, filters and aggregations (`search.backends.elasticsearch`);
- the OpenAPI parameters and facet schemas (`search.openapi`) and the API's facets (`search.api_views`);
- the search page's filter groups and chips (`catalog.search_page` and its templates).

Adding a facet: declare it here and give `ServiceDocument` what it reads (`search/documents.py`, and
the catalogue's document builder); search/README.md says how. Modules read `FACETS` when they run,
never a copy taken at import, so a facet added to the registry (a test's monkeypatch too) is seen
everywhere at once.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from core.vocabularies import COST, VOUCHER, Category, DeliveryMode, Descriptor, Municipio, Weekday, labels

#: Query-string spellings of yes and no.
TRUE = frozenset({"true", "1", "si", "sì", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})


class Filtering(enum.Enum):
    """How a facet filters; it decides the parser, the storage and the engine query."""

    #: A service has exactly one value (a plain column / keyword); selections are OR-ed.
    SINGLE = "single"
    #: A service has any number of values (a bitmask column / a multi-valued field); selections are OR-ed.
    MULTI = "multi"
    #: A service is true or false (`true`/`false` in the query string); selecting both matches everything.
    BOOLEAN = "boolean"


class Counting(enum.Enum):
    """How a facet's values are counted."""

    #: Each value counted with every other facet's selection applied, but not this facet's own.
    DISJUNCTIVE = "disjunctive"


@dataclass(frozen=True)
class Facet:
    """One filter of the catalogue.

    `vocabulary` maps every value (str, int or bool: as stored and as the API returns it) to its label.
    `field` is the search document's field (Elasticsearch's too), `column` the database table's column
    (a bitmask for MULTI facets), `values_of(doc)` the values a `ServiceDocument` has.
    `hint()` is the Italian sentence added to "Valore non valido: ..." when a value is refused, and
    `description` documents the parameter in the OpenAPI schema. `in_api`: the JSON API returns its
    counts (wellbeing is a filter only there).
    """

    code: str
    label: Promise | str
    vocabulary: Mapping[Any, Any]
    filtering: Filtering
    field: str
    column: str
    values_of: Callable[[Any], Iterable[Any]]
    hint: Callable[[], str]
    description: str
    counting: Counting = Counting.DISJUNCTIVE
    in_api: bool = True
    _bits: dict[Any, int] = field(init=False, repr=False, compare=False, default_factory=dict)

    @property
    def values(self) -> tuple[Any, ...]:
        """Every value, in display order (zero counts are shown too)."""
        return tuple(self.vocabulary)

    def value_label(self, value: Any) -> str:
        return str(self.vocabulary[value])

    @property
    def value_type(self) -> type:
        """bool, int or str: how values are written in the query string and in JSON."""
        if self.filtering is Filtering.BOOLEAN:
            return bool
        return int if all(isinstance(v, int) for v in self.values) else str

    def parse(self, raw: str) -> Any:
        """One query-string value; raises ValueError when it is not in the vocabulary."""
        if self.filtering is Filtering.BOOLEAN:
            if raw.lower() in TRUE:
                return True
            if raw.lower() in FALSE:
                return False
            raise ValueError(raw)
        value = int(raw) if self.value_type is int else raw
        if value not in self.vocabulary:
            raise ValueError(raw)
        return value

    @property
    def bits(self) -> dict[Any, int]:
        """MULTI facets: the bit of each value in the database's mask column (1 << position)."""
        if not self._bits:
            self._bits.update({value: 1 << i for i, value in enumerate(self.values)})
        return self._bits

    def document_values(self, doc: Any) -> tuple[Any, ...]:
        return tuple(self.values_of(doc))

    def stored(self, doc: Any) -> Any:
        """What the database column holds for `doc`: the value itself, or the values' bitmask (MULTI)."""
        values = self.document_values(doc)
        if self.filtering is Filtering.MULTI:
            return to_mask(values, self.bits)
        (value,) = values
        return value

    def indexed(self, doc: Any) -> Any:
        """What the Elasticsearch document's `field` holds for `doc`: a list (MULTI) or the value."""
        values = self.document_values(doc)
        if self.filtering is Filtering.MULTI:
            return list(values)
        (value,) = values
        return value


def to_mask(values: Iterable[Any], bits: Mapping[Any, int]) -> int:
    mask = 0
    for value in values:
        mask |= bits[value]
    return mask


def _choose_message(text: Promise, vocabulary: Mapping[Any, Any]) -> Callable[[], str]:
    return lambda: str(text) % {"v": ", ".join(str(v) for v in vocabulary)}


def _true_or_false() -> str:
    return str(_("Indica true o false."))


_CATEGORIES = labels(Category)
_DELIVERY = labels(DeliveryMode)
_WELLBEING = labels(Descriptor)
#: The municipi with the areas they cover («Municipio 5 — Vigentino, Chiaravalle, Gratosoglio»): a family knows
#: its neighbourhood before its municipio's number.
_MUNICIPI = {member.value: lazy(lambda member: member.long_label, str)(member) for member in Municipio}

#: Every facet, in display order (the page's filter groups, the API's facets, the OpenAPI parameters): what a
#: family asks first (what, whether it is free, where) near the top of the phone's «Filtri» panel; where a
#: service delivered at home reaches right after the delivery modes.
FACETS: dict[str, Facet] = {
    facet.code: facet
    for facet in (
        Facet(
            code="category",
            label=_("Categoria"),
            vocabulary=_CATEGORIES,
            filtering=Filtering.SINGLE,
            field="category",
            column="category",
            values_of=lambda doc: (doc.category,),
            hint=_choose_message(_("Categoria non valida: scegli tra %(v)s."), _CATEGORIES),
            description="Categoria.",
        ),
        Facet(
            code="free",
            label=_("Costo"),
            vocabulary=COST,
            filtering=Filtering.BOOLEAN,
            field="free",
            column="free",
            values_of=lambda doc: (doc.free,),
            hint=_true_or_false,
            description="Gratuito (true) o a pagamento (false).",
        ),
        Facet(
            code="voucher",
            label=_("Voucher Milano 0.18"),
            vocabulary=VOUCHER,
            filtering=Filtering.BOOLEAN,
            field="voucher",
            column="voucher",
            values_of=lambda doc: (doc.voucher,),
            hint=_true_or_false,
            description="Accetta il voucher Milano 0.18 (true) o no (false).",
        ),
        Facet(
            code="municipio",
            label=_("Dove si svolge"),
            vocabulary=_MUNICIPI,
            filtering=Filtering.MULTI,
            field="municipi",
            column="municipi_mask",
            values_of=lambda doc: doc.municipi,
            hint=lambda: str(_("Il municipio è un numero da 1 a 9.")),
            description="Municipio di una sede del servizio, dove l'attività si svolge (1-9).",
        ),
        Facet(
            code="delivery",
            label=_("Sede di erogazione"),
            vocabulary=_DELIVERY,
            filtering=Filtering.MULTI,
            field="delivery",
            column="delivery_mask",
            values_of=lambda doc: doc.delivery,
            hint=_choose_message(_("Modalità non valida: scegli tra %(v)s."), _DELIVERY),
            description="Sede di erogazione.",
        ),
        Facet(
            code="reaches",
            label=_("Raggiunge il tuo municipio"),
            vocabulary=_MUNICIPI,
            filtering=Filtering.MULTI,
            field="reach_municipi",
            column="reach_mask",
            values_of=lambda doc: doc.reach_municipi,
            hint=lambda: str(_("Il municipio è un numero da 1 a 9.")),
            description="Municipio raggiunto da un servizio a domicilio (1-9).",
        ),
        Facet(
            code="day",
            label=_("Giorno"),
            vocabulary=labels(Weekday),
            filtering=Filtering.MULTI,
            field="days",
            column="days_mask",
            values_of=lambda doc: doc.days,
            hint=lambda: str(_("Il giorno è un numero da 0 (lunedì) a 6 (domenica).")),
            description="Giorno della settimana dell'attività, da 0 (lunedì) a 6 (domenica).",
        ),
        Facet(
            code="wellbeing",
            label=_("Benessere (punteggio almeno 3)"),
            vocabulary=_WELLBEING,
            filtering=Filtering.MULTI,
            field="wellbeing_codes",
            column="wellbeing_mask",
            values_of=lambda doc: doc.wellbeing_codes(),
            hint=_choose_message(_("Descrittore non valido: scegli tra %(v)s."), _WELLBEING),
            description="Descrittore del benessere con punteggio almeno 3.",
            in_api=False,
        ),
    )
}


def api_facets() -> list[Facet]:
    """The facets whose counts the JSON API returns, in display order."""
    return [facet for facet in FACETS.values() if facet.in_api]

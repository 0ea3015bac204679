"""The database backend's index: one denormalized row per service, no joins.

Multi-valued fields (municipi, delivery modes, days, wellbeing descriptors >= 3) are bitmask
integers rather than child tables: a filter is one `mask & bits > 0` test, and every facet count
of a search is a `COUNT(*) FILTER (...)` over the same rows, so a whole search page (results,
total, all disjunctive facet counts) takes two queries on SQLite and PostgreSQL alike, and a
join can never multiply rows and skew a count.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from search import analysis
from search.documents import DAYS, DELIVERY, MUNICIPI, WELLBEING, ServiceDocument

#: Bit of each value in the mask columns.
MUNICIPIO_BITS = {n: 1 << (n - 1) for n in MUNICIPI}
DELIVERY_BITS = {code: 1 << i for i, code in enumerate(DELIVERY)}
DAY_BITS = {d: 1 << d for d in DAYS}
WELLBEING_BITS = {code: 1 << i for i, code in enumerate(WELLBEING)}


def to_mask(values, bits: dict) -> int:
    mask = 0
    for value in values:
        mask |= bits[value]
    return mask


def from_mask(mask: int, bits: dict) -> tuple:
    return tuple(value for value, bit in bits.items() if mask & bit)


def padded(tokens: list[str]) -> str:
    """Space-delimited tokens, padded so `LIKE '% token %'` matches whole tokens only."""
    return f" {' '.join(tokens)} "


class CatalogueEntry(models.Model):
    id = models.BigIntegerField(primary_key=True)
    title = models.CharField(_("titolo"), max_length=255)
    summary = models.TextField(_("sintesi"), blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    url = models.CharField(max_length=500)
    provider_id = models.BigIntegerField(db_index=True)
    provider_name = models.CharField(_("ente"), max_length=255)
    provider_url = models.CharField(max_length=500, blank=True)
    category = models.CharField(_("categoria"), max_length=20, db_index=True)
    municipi_mask = models.PositiveSmallIntegerField(default=0)
    age_min = models.PositiveSmallIntegerField(null=True)
    age_max = models.PositiveSmallIntegerField(null=True)
    price = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    sort_price = models.DecimalField(max_digits=9, decimal_places=2, null=True, db_index=True)
    price_unit = models.CharField(max_length=10, blank=True, default="")
    free = models.BooleanField(default=False)
    voucher = models.BooleanField(default=False)
    delivery_mask = models.PositiveSmallIntegerField(default=0)
    days_mask = models.PositiveSmallIntegerField(default=0)
    wellbeing_mask = models.PositiveSmallIntegerField(default=0)
    wellbeing = models.JSONField(default=dict)
    rating_average = models.FloatField(null=True, db_index=True)
    rating_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, db_index=True)
    tags = models.JSONField(default=list)
    # Analysed text (see search.analysis): stems and folded words (synonyms included), whole document
    # and title alone; the names' autocomplete words (split at apostrophes, articles kept).
    text_stems = models.TextField(default=" ")
    text_folded = models.TextField(default=" ")
    title_stems = models.TextField(default=" ")
    title_folded = models.TextField(default=" ")
    title_ac = models.TextField(default=" ")
    provider_ac = models.TextField(default=" ")
    title_sort = models.CharField(max_length=255, db_index=True)
    # PostgreSQL only (NULL elsewhere): text_stems (weight A) and text_folded (weight B) as a
    # tsvector with the 'simple' configuration, behind a GIN index (migration 0002).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("servizio indicizzato")
        verbose_name_plural = _("servizi indicizzati")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_document(cls, doc: ServiceDocument) -> CatalogueEntry:
        searchable = " ".join((doc.title, doc.summary, doc.description, doc.provider_name, " ".join(doc.tags)))
        return cls(
            id=doc.id,
            title=doc.title,
            summary=doc.summary,
            description=doc.description,
            url=doc.url,
            provider_id=doc.provider_id,
            provider_name=doc.provider_name,
            provider_url=doc.provider_url,
            category=doc.category,
            municipi_mask=to_mask(doc.municipi, MUNICIPIO_BITS),
            age_min=doc.age_min,
            age_max=doc.age_max,
            price=doc.price,
            sort_price=doc.sort_price,
            price_unit=doc.price_unit,
            free=doc.free,
            voucher=doc.voucher,
            delivery_mask=to_mask(doc.delivery, DELIVERY_BITS),
            days_mask=to_mask(doc.days, DAY_BITS),
            wellbeing_mask=to_mask(doc.wellbeing_codes(), WELLBEING_BITS),
            wellbeing=dict(doc.wellbeing),
            rating_average=doc.rating_average,
            rating_count=doc.rating_count,
            published_at=doc.published_at,
            tags=list(doc.tags),
            text_stems=padded(analysis.stems(searchable)),
            text_folded=padded(analysis.folded(searchable)),
            title_stems=padded(analysis.stems(doc.title)),
            title_folded=padded(analysis.folded(doc.title)),
            title_ac=padded(analysis.autocomplete_words(doc.title)),
            provider_ac=padded(analysis.autocomplete_words(doc.provider_name)),
            title_sort=analysis.fold(doc.title)[:255],
        )

    def to_document(self) -> ServiceDocument:
        return ServiceDocument(
            id=self.id,
            title=self.title,
            summary=self.summary,
            description=self.description,
            url=self.url,
            provider_id=self.provider_id,
            provider_name=self.provider_name,
            provider_url=self.provider_url,
            category=self.category,
            municipi=from_mask(self.municipi_mask, MUNICIPIO_BITS),
            age_min=self.age_min,
            age_max=self.age_max,
            price=self.price,
            price_unit=self.price_unit,
            free=self.free,
            voucher=self.voucher,
            delivery=from_mask(self.delivery_mask, DELIVERY_BITS),
            days=from_mask(self.days_mask, DAY_BITS),
            wellbeing=dict(self.wellbeing),
            rating_average=self.rating_average,
            rating_count=self.rating_count,
            published_at=self.published_at,
            tags=tuple(self.tags),
        )


class CatalogueTerm(models.Model):
    """The index's vocabulary, for typo tolerance: a query word matches the terms within `analysis.FUZZINESS` edits."""

    STEM = "s"
    FOLDED = "f"
    term = models.CharField(max_length=100)
    kind = models.CharField(max_length=1, choices=[(STEM, "stem"), (FOLDED, "folded")])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="search_term_unique")]

    def __str__(self) -> str:
        return self.term


class PendingIndexUpdate(models.Model):
    """A service whose Elasticsearch document could not be written: retried by the next successful write.

    Only the id is kept: a retry reads the service's current state, so whatever happened in between
    (another edit, an unpublish) is what ends up in the index.
    """

    service_id = models.BigIntegerField(unique=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aggiornamento dell'indice in attesa")
        verbose_name_plural = _("aggiornamenti dell'indice in attesa")

    def __str__(self) -> str:
        return str(self.service_id)

"""The database backend's index: per service one document row, one narrow facet row and its text.

- `CatalogueEntry`: the whole document (what a hit shows) and its analysed text; read by key for the
  page's rows only. On PostgreSQL its `search_vector` (every term) and `title_vector` (the title's) are
  tsvectors written by the backend as literals (no `to_tsvector` parsing at load; migration 0008 turned
  the generated columns of 0005 into plain ones), `search_vector` behind a GIN index.
- `CatalogueFacets`: the narrow row of facet columns, age range, provider and sort keys that each
  process reads into bitmaps once per index version. Multi-valued fields (the venues' municipi, the
  municipi reached at home, delivery modes, days, wellbeing descriptors >= 3) are bitmask integers
  rather than child tables: a filter is one `mask & bits > 0` test, every facet count is a
  `COUNT(*) FILTER (WHERE ...)` in one pass, and a join can never multiply rows and skew a count.
- `CatalogueVersion`: one row whose random `token` every index write replaces, so a process knows
  when the bitmaps it keeps of the index (`search.backends.database.snapshot`) are out of date.
- `CatalogueChange`: the log of the last writes (which services each changed, the token before and
  after), so a process brings its bitmaps up to date by patching the services changed since its version.
- On SQLite the text is also in an FTS5 table, `search_catalogue_fts` (rowid = service id; columns
  `stems`, `folded`, `title_stems`, `title_folded`), created by migration 0005.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from search.documents import ServiceDocument
from search.facets import FACETS

#: Bit of each value in the mask columns (declared by the facets: 1 << the value's position).
MUNICIPIO_BITS = FACETS["municipio"].bits
REACH_BITS = FACETS["reaches"].bits
DELIVERY_BITS = FACETS["delivery"].bits
DAY_BITS = FACETS["day"].bits


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
    provider_id = models.BigIntegerField()
    provider_name = models.CharField(_("ente"), max_length=255)
    provider_url = models.CharField(max_length=500, blank=True)
    category = models.CharField(_("categoria"), max_length=20)
    municipi_mask = models.PositiveSmallIntegerField(default=0)
    reach_mask = models.PositiveSmallIntegerField(default=0)
    age_min = models.PositiveSmallIntegerField(null=True)
    age_max = models.PositiveSmallIntegerField(null=True)
    price = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    sort_price = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    price_unit = models.CharField(max_length=10, blank=True, default="")
    free = models.BooleanField(default=False)
    voucher = models.BooleanField(default=False)
    delivery_mask = models.PositiveSmallIntegerField(default=0)
    days_mask = models.PositiveSmallIntegerField(default=0)
    wellbeing_mask = models.PositiveSmallIntegerField(default=0)
    wellbeing = models.JSONField(default=dict)
    rating_average = models.FloatField(null=True)
    rating_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True)
    tags = models.JSONField(default=list)
    # Analysed text (see search.analysis): stems and folded words (synonyms included), whole document
    # and title alone; the names' autocomplete words (split at apostrophes, articles kept).
    text_stems = models.TextField(default=" ")
    text_folded = models.TextField(default=" ")
    title_stems = models.TextField(default=" ")
    title_folded = models.TextField(default=" ")
    title_ac = models.TextField(default=" ")
    provider_ac = models.TextField(default=" ")
    title_sort = models.CharField(max_length=255)
    # PostgreSQL only (NULL elsewhere), written by the backend as tsvector literals: text_stems (weight A)
    # and text_folded (weight B) as the 'simple' configuration reads them, behind a GIN index; the same of
    # the title alone, for relevance.
    search_vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("servizio indicizzato")
        verbose_name_plural = _("servizi indicizzati")

    def __str__(self) -> str:
        return self.title

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
            reach_municipi=from_mask(self.reach_mask, REACH_BITS),
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


class CatalogueFacets(models.Model):
    """The narrow row of a service that searches scan: facets, filters and sort keys (no text).

    Same id as its `CatalogueEntry`; written and deleted with it by the database backend.
    """

    id = models.BigIntegerField(primary_key=True)
    category = models.CharField(max_length=20)
    municipi_mask = models.PositiveSmallIntegerField(default=0)
    reach_mask = models.PositiveSmallIntegerField(default=0)
    free = models.BooleanField(default=False)
    voucher = models.BooleanField(default=False)
    delivery_mask = models.PositiveSmallIntegerField(default=0)
    days_mask = models.PositiveSmallIntegerField(default=0)
    wellbeing_mask = models.PositiveSmallIntegerField(default=0)
    age_min = models.PositiveSmallIntegerField(null=True)
    age_max = models.PositiveSmallIntegerField(null=True)
    provider_id = models.BigIntegerField()
    sort_price = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    rating_average = models.FloatField(null=True)
    rating_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True)
    title_sort = models.CharField(max_length=255)

    # No index but the key: searches read the whole table once per index version, into bitmaps
    # (search.backends.database.snapshot); migration 0008 dropped the sort indexes, which only slowed loads.

    def __str__(self) -> str:
        return self.title_sort


class CatalogueVersion(models.Model):
    """The index's version: a random `token` replaced by every write of the database backend (one row, id 1).

    Random rather than a counter: a write rolled back restores the old token, and no later write can
    reuse the token of a state that never committed.
    """

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.token)


class CatalogueChange(models.Model):
    """One committed index write of the database backend: the services it changed, between two version tokens.

    Written in the write's transaction, after the `CatalogueVersion` row is locked, so the rows' order (`id`)
    is the commit order and each row's `token_before` is the previous row's `token_after`. `ids` is a JSON
    array of service ids (upserted or deleted), NULL for "every service" (a rebuild). Only the last
    `writing.KEPT_CHANGES` rows are kept: a process whose version is older reloads its bitmaps whole.
    """

    token_before = models.BigIntegerField(db_index=True)
    token_after = models.BigIntegerField()
    ids = models.TextField(null=True)

    def __str__(self) -> str:
        return f"{self.token_before} -> {self.token_after}"


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

# The search reads a narrow facet table (CatalogueFacets) instead of the wide document rows; on PostgreSQL
# the text vectors become generated columns (GIN index on search_vector), on SQLite the text goes into an
# FTS5 table. Existing rows are copied over, so no rebuild is needed after migrating.

import django.contrib.postgres.search
from django.db import migrations, models

OLD_GIN = "search_catalogueentry_vector_gin"
GIN = "search_entry_vector_gin"
TEXT_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, text_stems), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, text_folded), 'B')"
)
TITLE_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, title_stems), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, title_folded), 'B')"
)
FACET_COLUMNS = (
    "id, category, municipi_mask, free, voucher, delivery_mask, days_mask, wellbeing_mask, age_min, age_max,"
    " provider_id, sort_price, rating_average, rating_count, published_at, title_sort"
)


#: The sort orders' indexes; SQLite already puts NULLs last in descending order and has no NULLS LAST in indexes.
SORT_INDEXES = {
    "search_facets_newest": ("published_at DESC NULLS LAST, id", "published_at DESC, id"),
    "search_facets_price": ("sort_price ASC NULLS LAST, id", "sort_price, id"),
    "search_facets_rating": (
        "rating_average DESC NULLS LAST, rating_count DESC, id",
        "rating_average DESC, rating_count DESC, id",
    ),
}


def forwards(apps, schema_editor):
    """Vectors generated (PostgreSQL) or an FTS5 table (SQLite); the facet rows copied from the entries."""
    run = schema_editor.execute
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, (on_postgres, elsewhere) in SORT_INDEXES.items():
        run(f"CREATE INDEX {name} ON search_cataloguefacets ({on_postgres if postgres else elsewhere})")
    if postgres:
        run(f"DROP INDEX IF EXISTS {OLD_GIN}")
        run("ALTER TABLE search_catalogueentry DROP COLUMN search_vector, DROP COLUMN title_vector")
        run(
            "ALTER TABLE search_catalogueentry"
            f" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({TEXT_VECTOR}) STORED,"
            f" ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ({TITLE_VECTOR}) STORED"
        )
        # Kept in the row (not moved to TOAST): a text search reads every vector it tests.
        run(
            "ALTER TABLE search_catalogueentry ALTER COLUMN search_vector SET STORAGE MAIN,"
            " ALTER COLUMN title_vector SET STORAGE MAIN"
        )
        run(f"CREATE INDEX {GIN} ON search_catalogueentry USING gin (search_vector)")
    elif schema_editor.connection.vendor == "sqlite":
        run(
            "CREATE VIRTUAL TABLE search_catalogue_fts USING fts5("
            "stems, folded, title_stems, title_folded, tokenize = 'unicode61 remove_diacritics 0')"
        )
        run(
            "INSERT INTO search_catalogue_fts (rowid, stems, folded, title_stems, title_folded)"
            " SELECT id, text_stems, text_folded, title_stems, title_folded FROM search_catalogueentry"
        )
    run(f"INSERT INTO search_cataloguefacets ({FACET_COLUMNS}) SELECT {FACET_COLUMNS} FROM search_catalogueentry")


def backwards(apps, schema_editor):
    run = schema_editor.execute
    for name in SORT_INDEXES:
        run(f"DROP INDEX IF EXISTS {name}")
    if schema_editor.connection.vendor == "postgresql":
        run(f"DROP INDEX IF EXISTS {GIN}")
        run("ALTER TABLE search_catalogueentry DROP COLUMN search_vector, DROP COLUMN title_vector")
        run("ALTER TABLE search_catalogueentry ADD COLUMN search_vector tsvector, ADD COLUMN title_vector tsvector")
        run(f"UPDATE search_catalogueentry SET search_vector = {TEXT_VECTOR}")
        run(f"CREATE INDEX {OLD_GIN} ON search_catalogueentry USING gin (search_vector)")
    elif schema_editor.connection.vendor == "sqlite":
        run("DROP TABLE IF EXISTS search_catalogue_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_autocomplete_words_keep_articles"),
    ]

    operations = [
        migrations.AddField(
            model_name="catalogueentry",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="catalogueentry",
            name="category",
            field=models.CharField(max_length=20, verbose_name="categoria"),
        ),
        migrations.AlterField(
            model_name="catalogueentry",
            name="provider_id",
            field=models.BigIntegerField(),
        ),
        migrations.AlterField(
            model_name="catalogueentry",
            name="published_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AlterField(
            model_name="catalogueentry",
            name="rating_average",
            field=models.FloatField(null=True),
        ),
        migrations.AlterField(
            model_name="catalogueentry",
            name="sort_price",
            field=models.DecimalField(decimal_places=2, max_digits=9, null=True),
        ),
        migrations.AlterField(
            model_name="catalogueentry",
            name="title_sort",
            field=models.CharField(max_length=255),
        ),
        migrations.CreateModel(
            name="CatalogueFacets",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("category", models.CharField(max_length=20)),
                ("municipi_mask", models.PositiveSmallIntegerField(default=0)),
                ("free", models.BooleanField(default=False)),
                ("voucher", models.BooleanField(default=False)),
                ("delivery_mask", models.PositiveSmallIntegerField(default=0)),
                ("days_mask", models.PositiveSmallIntegerField(default=0)),
                ("wellbeing_mask", models.PositiveSmallIntegerField(default=0)),
                ("age_min", models.PositiveSmallIntegerField(null=True)),
                ("age_max", models.PositiveSmallIntegerField(null=True)),
                ("provider_id", models.BigIntegerField()),
                ("sort_price", models.DecimalField(decimal_places=2, max_digits=9, null=True)),
                ("rating_average", models.FloatField(null=True)),
                ("rating_count", models.PositiveIntegerField(default=0)),
                ("published_at", models.DateTimeField(null=True)),
                ("title_sort", models.CharField(max_length=255)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["title_sort", "id"], name="search_facets_name"),
                    models.Index(fields=["provider_id"], name="search_facets_provider"),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]

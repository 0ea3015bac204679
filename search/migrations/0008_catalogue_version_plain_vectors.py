# The index gets a version token (CatalogueVersion, one row); the facet table loses its sort indexes
# (searches read that table whole into bitmaps, once per version, so they only slowed loads); and on
# PostgreSQL the text vectors stop being generated columns: the backend writes them as tsvector literals,
# which load several times faster than `to_tsvector` parsing the text. DROP EXPRESSION keeps every row's
# vectors: no rebuild needed.

from django.db import migrations, models

TEXT_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, text_stems), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, text_folded), 'B')"
)
TITLE_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, title_stems), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, title_folded), 'B')"
)
GIN = "search_entry_vector_gin"
#: The sort indexes of migration 0005: searches now read CatalogueFacets whole into bitmaps, once per version.
SORT_INDEXES = {
    "search_facets_newest": ("published_at DESC NULLS LAST, id", "published_at DESC, id"),
    "search_facets_price": ("sort_price ASC NULLS LAST, id", "sort_price, id"),
    "search_facets_rating": (
        "rating_average DESC NULLS LAST, rating_count DESC, id",
        "rating_average DESC, rating_count DESC, id",
    ),
}


def forwards(apps, schema_editor):
    for name in SORT_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_catalogueentry ALTER COLUMN search_vector DROP EXPRESSION,"
            " ALTER COLUMN title_vector DROP EXPRESSION"
        )
    apps.get_model("search", "CatalogueVersion").objects.create(id=1, token=0)


def backwards(apps, schema_editor):
    run = schema_editor.execute
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, (on_postgres, elsewhere) in SORT_INDEXES.items():
        run(f"CREATE INDEX {name} ON search_cataloguefacets ({on_postgres if postgres else elsewhere})")
    if postgres:
        run(f"DROP INDEX IF EXISTS {GIN}")
        run("ALTER TABLE search_catalogueentry DROP COLUMN search_vector, DROP COLUMN title_vector")
        run(
            "ALTER TABLE search_catalogueentry"
            f" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({TEXT_VECTOR}) STORED,"
            f" ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ({TITLE_VECTOR}) STORED"
        )
        run(
            "ALTER TABLE search_catalogueentry ALTER COLUMN search_vector SET STORAGE MAIN,"
            " ALTER COLUMN title_vector SET STORAGE MAIN"
        )
        run(f"CREATE INDEX {GIN} ON search_catalogueentry USING gin (search_vector)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_catalogue_reach_municipi"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RemoveIndex(model_name="cataloguefacets", name="search_facets_name"),
        migrations.RemoveIndex(model_name="cataloguefacets", name="search_facets_provider"),
        migrations.RunPython(forwards, backwards),
    ]

# The names' autocomplete words keep their articles (split at apostrophes, not elided), and the
# analysed columns now carry synonyms: run `manage.py catalogue_index rebuild` after migrating.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_pending_index_update"),
    ]

    operations = [
        migrations.RemoveField(model_name="catalogueentry", name="provider_folded"),
        migrations.AddField(model_name="catalogueentry", name="title_ac", field=models.TextField(default=" ")),
        migrations.AddField(model_name="catalogueentry", name="provider_ac", field=models.TextField(default=" ")),
    ]

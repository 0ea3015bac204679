"""Remove the voucher ledger entries' rows from Wagtail's reference index.

LedgerEntry is now left out of the index (`core.models.AppendOnlyModel.wagtail_reference_index_ignore`). The rows
recorded before would stay for ever (entries are never deleted, and an ignored model's saves and deletes no longer
touch the index) and would keep counting in the «Utilizzo» of the wallets, users and entries they point at.
Nothing to put back on reversal: the index is Wagtail's derived data (`manage.py rebuild_references_index`).
"""

from django.db import migrations


def remove_ledger_entry_references(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    ReferenceIndex.objects.filter(
        base_content_type__in=ContentType.objects.filter(app_label="booking", model="ledgerentry")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0011_payments_pending_and_cancellations"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(remove_ledger_entry_references, migrations.RunPython.noop)]

"""Remove the audit entries' rows from Wagtail's reference index.

AuditEntry is now left out of the index (`core.models.AppendOnlyModel.wagtail_reference_index_ignore`). The rows
recorded before would stay for ever (entries are never deleted, and an ignored model's saves and deletes no longer
touch the index) and would keep counting in the «Utilizzo» of the users and content types they point at. Nothing
to put back on reversal: the index is Wagtail's derived data (`manage.py rebuild_references_index` rebuilds it).
"""

from django.db import migrations


def remove_audit_entry_references(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    ReferenceIndex.objects.filter(
        base_content_type__in=ContentType.objects.filter(app_label="core", model="auditentry")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_city_staff_read_the_audit_trail"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(remove_audit_entry_references, migrations.RunPython.noop)]

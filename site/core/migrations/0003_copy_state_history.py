"""Copy the history of booking.StateLog and catalog.ApplicationTransition into the one audit trail.

Each old row becomes one AuditEntry with the same time, actor, from/to state and note (as reason):
StateLog rows of requests, quotes and orders become "booking.<request|quote|order>.<to state>";
application transitions become "catalog.application.<to status>". The old tables are dropped by the
next migration of their own app, which depends on this one.
"""

from django.db import migrations

BOOKING_OBJECTS = {"servicerequest": "request", "quote": "quote", "order": "order"}


def copy_history(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    StateLog = apps.get_model("booking", "StateLog")
    ApplicationTransition = apps.get_model("catalog", "ApplicationTransition")
    entries = []
    for log in StateLog.objects.select_related("actor", "content_type").order_by("created_at", "pk").iterator():
        name = BOOKING_OBJECTS.get(log.content_type.model, log.content_type.model)
        entries.append(
            AuditEntry(
                timestamp=log.created_at,
                actor=log.actor,
                actor_label=log.actor.username if log.actor else "",
                action=f"booking.{name}.{log.to_state}",
                content_type=log.content_type,
                object_id=log.object_id,
                from_state=log.from_state,
                to_state=log.to_state,
                reason=log.note,
                data={"copied_from": "booking.StateLog", "id": log.pk},
            )
        )
    application_type, _created = ContentType.objects.get_or_create(app_label="catalog", model="registerapplication")
    for row in ApplicationTransition.objects.select_related("by").order_by("at", "pk").iterator():
        entries.append(
            AuditEntry(
                timestamp=row.at,
                actor=row.by,
                actor_label=row.by.username if row.by else "richiedente",
                action=f"catalog.application.{row.to_status}",
                content_type=application_type,
                object_id=row.application_id,
                from_state=row.from_status,
                to_state=row.to_status,
                reason=row.note,
                data={"copied_from": "catalog.ApplicationTransition", "id": row.pk},
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only_trigger"),
        ("booking", "0006_one_open_request_per_service_and_child"),
        ("catalog", "0006_provider_image_collections"),
    ]

    operations = [migrations.RunPython(copy_history, migrations.RunPython.noop)]

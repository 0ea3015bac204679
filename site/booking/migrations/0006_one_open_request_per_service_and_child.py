"""At most one request awaiting the provider («sent») per service and child.

Copies already sent (the same family resending the form) are withdrawn first, keeping the oldest, each with a
state-log entry saying why, so the constraint can be created on existing data.
"""

from django.db import migrations, models
from django.db.models import Count

NOTE = "Richiesta doppia ritirata automaticamente: resta aperta la prima inviata per lo stesso servizio e figlio."


def withdraw_duplicates(apps, schema_editor):
    ServiceRequest = apps.get_model("booking", "ServiceRequest")
    StateLog = apps.get_model("booking", "StateLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="booking", model="servicerequest")
    sent = ServiceRequest.objects.filter(state="sent")
    groups = sent.values("service_id", "child_id").annotate(n=Count("pk")).filter(n__gt=1)
    for group in groups:
        copies = list(
            sent.filter(service_id=group["service_id"], child_id=group["child_id"])
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[1:]
        )
        ServiceRequest.objects.filter(pk__in=copies).update(state="withdrawn")
        StateLog.objects.bulk_create(
            StateLog(content_type=content_type, object_id=pk, from_state="sent", to_state="withdrawn", note=NOTE)
            for pk in copies
        )


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0005_private_attachments'),
        ('catalog', '0005_private_attachments'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(withdraw_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='servicerequest',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'sent')), fields=('service', 'child'), name='booking_request_one_open_per_service_and_child', violation_error_message="C'è già una richiesta in attesa di risposta per questo servizio."),
        ),
    ]

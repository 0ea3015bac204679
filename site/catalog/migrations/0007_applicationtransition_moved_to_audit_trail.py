"""The state history now lives in the one audit trail (core.AuditEntry); the old table goes."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_provider_image_collections'),
        # The history is copied into core.AuditEntry first.
        ('core', '0003_copy_state_history'),
    ]

    operations = [
        migrations.DeleteModel(
            name='ApplicationTransition',
        ),
    ]

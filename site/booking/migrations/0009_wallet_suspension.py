# The voucher office can suspend a wallet (settlement); the revocation kind came with 0008.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("booking", "0008_ledger_revocation")]

    operations = [
        migrations.AddField(
            model_name="wallet",
            name="suspended_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="sospeso il"),
        ),
        migrations.AddField(
            model_name="wallet",
            name="suspension_reason",
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name="motivo della sospensione"),
        ),
    ]

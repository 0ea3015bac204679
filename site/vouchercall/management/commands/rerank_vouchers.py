"""`manage.py rerank_vouchers` (daily): one re-ranking step for every call whose final ranking has been granted."""

from django.core.management.base import BaseCommand

from vouchercall import services
from vouchercall.models import Call


class Command(BaseCommand):
    help = "Scorrimento: revoca i voucher mai usati e finanzia le famiglie successive in graduatoria."

    def handle(self, *args, **options):
        for call in Call.objects.filter(rankings__kind="final", rankings__granted_at__isnull=False).distinct():
            step = services.rerank(call, actor=None)
            self.stdout.write(
                f"{call}: scorrimento {step.number}, {len(step.revoked_wallets)} revocati, "
                f"{step.freed} EUR liberati, {len(step.funded_protocols)} domande finanziate."
            )

"""Expire the wallets whose validity ended: what is left on them is written off in the ledger.

Run daily (cron). Idempotent: an expired wallet is skipped, and expiring twice returns the first expiry.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from booking import vouchers
from booking.models import LedgerEntry, Wallet


class Command(BaseCommand):
    help = "Fa scadere i voucher il cui periodo di validità è terminato."

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = (
            Wallet.objects.filter(valid_until__lt=today)
            .exclude(entries__kind=LedgerEntry.Kind.EXPIRY)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        count = 0
        for wallet in Wallet.objects.filter(pk__in=list(due)).iterator():
            vouchers.expire(wallet, memo=f"Scadenza del {wallet.valid_until:%d/%m/%Y}")
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Voucher scaduti: {count}"))

from django.core.management.base import BaseCommand

from booking.marketplace import expire_overdue, flag_overdue_payments


class Command(BaseCommand):
    help = (
        "Expire requests unanswered beyond the service's maximum wait and quotes past their validity; flag parts paid "
        "at the provider or by bank transfer still unconfirmed after their deadline (daily)."
    )

    def handle(self, *args, **options):
        requests, quotes = expire_overdue()
        self.stdout.write(f"{requests} request(s) and {quotes} quote(s) expired.")
        self.stdout.write(f"{flag_overdue_payments()} payment(s) flagged as unconfirmed past their deadline.")

from django.core.management.base import BaseCommand

from booking.marketplace import expire_overdue


class Command(BaseCommand):
    help = "Expire requests unanswered beyond the service's maximum wait and quotes past their validity (daily)."

    def handle(self, *args, **options):
        requests, quotes = expire_overdue()
        self.stdout.write(f"{requests} request(s) and {quotes} quote(s) expired.")

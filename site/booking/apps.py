from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Famiglie e voucher")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from booking.marketplace import ratings_changed
        from booking.models import Rating

        post_save.connect(ratings_changed, sender=Rating, dispatch_uid="booking-ratings-saved")
        post_delete.connect(ratings_changed, sender=Rating, dispatch_uid="booking-ratings-deleted")

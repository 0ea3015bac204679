from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Famiglie e voucher")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from booking.models import Rating
        from booking.ratings import ratings_changed, search_summaries
        from booking.selection import restore_on_sign_in
        from catalog.facts import register_rating_source

        user_logged_in.connect(restore_on_sign_in, dispatch_uid="booking-selection-restored")
        post_save.connect(ratings_changed, sender=Rating, dispatch_uid="booking-ratings-saved")
        post_delete.connect(ratings_changed, sender=Rating, dispatch_uid="booking-ratings-deleted")
        # The ratings reach the catalogue's search documents through this hook: catalog never imports booking.
        register_rating_source(search_summaries)

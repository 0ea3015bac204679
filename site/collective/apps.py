from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectiveConfig(AppConfig):
    name = "collective"
    verbose_name = _("Voucher collettivi")
    default_auto_field = "django.db.models.BigAutoField"

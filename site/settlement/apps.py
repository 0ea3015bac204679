from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    """Provider payment data, statements (rendiconti), accounting exports and the voucher back office."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "settlement"
    verbose_name = _("Rendiconti e ufficio voucher")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Monitoring of WISH MI: figures per challenge and wellbeing dimension, equity, open data."""

    name = "monitoring"
    verbose_name = _("Monitoraggio")
    default_auto_field = "django.db.models.BigAutoField"

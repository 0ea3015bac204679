from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Monitoring of WISH MI: figures per challenge and wellbeing dimension, equity, open data."""

    name = "monitoring"
    verbose_name = _("Monitoraggio")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.signals import figures_changed
        from monitoring.figures import refresh_after_commit

        # A ranking or a statement changes the figures: recompute them when its transaction commits.
        figures_changed.connect(refresh_after_commit, dispatch_uid="monitoring-refresh")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every other app shares: the audit trail and the domain error family (issue 9)."""

    name = "core"
    verbose_name = _("Nucleo comune")
    default_auto_field = "django.db.models.BigAutoField"

"""Who administers a provider's operators (the users of its own group) on the provider's side."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderAdministrator(models.Model):
    """A provider-side admin: one of the provider's operators (a user of its own group) who may invite and remove
    the others. The person admitted with the provider's application is the first; an admin may name more."""

    provider = models.ForeignKey(
        "catalog.ProviderPage", verbose_name=_("ente"), on_delete=models.CASCADE, related_name="administrators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("utente"), on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateTimeField(_("dal"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "user"], name="one_admin_row_per_provider_user")]
        verbose_name = _("amministratore dell'ente")
        verbose_name_plural = _("amministratori dell'ente")

    def __str__(self) -> str:
        return f"{self.user} ({self.provider})"

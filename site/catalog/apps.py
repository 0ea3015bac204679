from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogo Milano 0.18")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog import search_sync

        search_sync.connect()

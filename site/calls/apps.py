from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Avvisi")

    def ready(self):
        from calls.models import register_call_at
        from catalog.register_call import register_call_source

        register_call_source(register_call_at)

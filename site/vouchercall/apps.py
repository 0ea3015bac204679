from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoucherCallConfig(AppConfig):
    name = "vouchercall"
    verbose_name = _("Avviso voucher alle famiglie")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from booking import call_rules, privacy
        from vouchercall.privacy import erase_applications
        from vouchercall.rules import import_rules

        call_rules.register(import_rules)
        privacy.register_eraser(erase_applications)

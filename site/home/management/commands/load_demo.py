"""Builds the demo site from the seeds' content. Idempotent: a second run changes nothing.

Every app that has demo content keeps it in its own `demo` module with a `load(stdout)` function;
they run in INSTALLED_APPS order, so `home` (which creates the home page and the site) comes first.
Each app's content is written in one transaction, and Wagtail's reference index is brought up to date once per saved
object at its end rather than after every save (`core.reference_index`).
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from core.reference_index import deferred_reference_index


class Command(BaseCommand):
    help = "Carica i contenuti dimostrativi di Milano 0.18 (idempotente)."

    def handle(self, *args, **options):
        for app in apps.get_app_configs():
            if not module_has_submodule(app.module, "demo"):
                continue
            module = import_module(f"{app.name}.demo")
            with transaction.atomic(), deferred_reference_index():
                module.load(self.stdout)
            self.stdout.write(f"{app.label}: ok")
        self.stdout.write(self.style.SUCCESS("Contenuti dimostrativi pronti."))

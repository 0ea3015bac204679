"""The City's editors («Redazione del Comune») read the page feedback and handle the accessibility reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Redazione del Comune"
CODENAMES = ["view_pagefeedback", "view_accessibilityfeedback", "change_accessibilityfeedback"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this one needs them now.
    app_config = apps.get_app_config("legal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="legal", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_legal_pages_and_feedback"), ("catalog", "0002_moderation_workflow")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

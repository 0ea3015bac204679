"""The City's editors («Redazione del Comune») read the audit trail in the admin, in every environment."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Redazione del Comune"


def grant_view(apps, schema_editor):
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="core", codename="view_auditentry"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_copy_state_history")]

    operations = [migrations.RunPython(grant_view, migrations.RunPython.noop)]

"""The group «Monitoraggio»: City staff who read the monitoring's figures in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Monitoraggio"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this one needs them now.
    app_config = apps.get_app_config("monitoring")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="monitoring", codename="view_monitoring"),
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial"), ("wagtailadmin", "0001_create_admin_access_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

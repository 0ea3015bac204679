"""The City's editors («Redazione del Comune») moderate rating comments, in every environment."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Redazione del Comune"


def grant_moderation(apps, schema_editor):
    app_config = apps.get_app_config("booking")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="booking", codename__in=["view_rating", "change_rating"])
    )


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_marketplace"), ("catalog", "0002_moderation_workflow")]

    operations = [migrations.RunPython(grant_moderation, migrations.RunPython.noop)]

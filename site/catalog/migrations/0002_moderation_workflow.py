"""The «Revisione del Comune» workflow and the «Redazione del Comune» group, the same in every environment."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_workflow(apps, schema_editor):
    from catalog.workflow import ensure_moderation_workflow

    # Permissions are normally created after all migrations (post_migrate): create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_moderation_workflow(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]

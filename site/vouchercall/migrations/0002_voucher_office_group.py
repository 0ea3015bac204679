"""The «Ufficio voucher» group: runs the families' call in the Wagtail admin and is the only one that reads ISEE data.

get_or_create by name: branch `settlement` creates the same group for the voucher back office.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "Ufficio voucher"
CODENAMES = {
    "call": ("add", "change", "view"),
    "application": ("change", "view"),
    "ranking": ("view",),
    "appeal": ("change", "view"),
    "rerankstep": ("view",),
}


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("vouchercall")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    codenames = [f"{action}_{model}" for model, actions in CODENAMES.items() for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="vouchercall", codename__in=codenames))
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
    )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OFFICE_GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="vouchercall"))


class Migration(migrations.Migration):
    dependencies = [
        ("vouchercall", "0001_call_applications_rankings"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_permissions)]

"""The «Ufficio voucher collettivi» group: the City's office that runs the collective-voucher call in the Wagtail
admin (call, windows, grid, committee, referrers, funding, nominal lists, reports, grant payments, statements)
without being superusers. `collective.change_collectivecall` is what `collective.services.is_city` checks."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "Ufficio voucher collettivi"
CODENAMES = {
    "collectivecall": ("add", "change", "view"),
    "window": ("add", "change", "view"),
    "criterion": ("add", "change", "view"),
    "committeemember": ("add", "change", "view"),
    "referrer": ("add", "change", "view"),
}


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("collective")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    codenames = [f"{action}_{model}" for model, actions in CODENAMES.items() for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="collective", codename__in=codenames))
    group.permissions.add(*Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OFFICE_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collective", "0004_grant_ledger_append_only_trigger"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

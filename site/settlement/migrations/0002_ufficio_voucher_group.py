"""The City's «Ufficio voucher» group: statements of every provider, the voucher back office, the admin.

Created with get_or_create by name (branch `vouchercall` creates the same group the same way), so whichever
migration runs first creates it and the other adds its permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Ufficio voucher"
PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("settlement", "manage_statements"),
    ("settlement", "manage_vouchers"),
    ("settlement", "view_statement"),
    ("settlement", "view_paymentdetails"),
    ("booking", "view_wallet"),
    ("booking", "view_ledgerentry"),
    ("booking", "view_vouchercall"),
]


def create_group(apps, schema_editor):
    for label in ("settlement", "booking", "wagtailadmin"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("settlement", "0001_statements_and_payment_details"),
        ("booking", "0007_statelog_moved_to_audit_trail"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]

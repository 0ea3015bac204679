"""Tie every provider to its own staff group by key (ProviderPage.group), splitting groups shared by name.

Before this migration the register approval found a provider's group by the name «Ente: <name>», so a second
provider with the same name (or the same first 144 characters) was put into the first one's group. Each provider
page keeps the first group that holds its page permissions and no earlier provider claimed; a provider whose only
group already belongs to an earlier provider gets a new group with the same rights on its own page, and its own
users (the applicant's account from the register, and the page owner) move there from the shared group.
"""

from django.conf import settings
from django.db import migrations

PREFIX = "Ente: "


def _unique_name(Group, title: str, key: int) -> str:
    from catalog.workflow import provider_group_name

    return provider_group_name(title, key, lambda name: Group.objects.filter(name=name).exists())


def link_provider_groups(apps, schema_editor):
    ProviderPage = apps.get_model("catalog", "ProviderPage")
    RegisterApplication = apps.get_model("catalog", "RegisterApplication")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Membership = apps.get_model(settings.AUTH_USER_MODEL).groups.through

    claimed = set(ProviderPage.objects.exclude(group=None).values_list("group_id", flat=True))
    for page in ProviderPage.objects.filter(group=None).order_by("pk"):
        page_perms = GroupPagePermission.objects.filter(page_id=page.pk, group__name__startswith=PREFIX)
        group_ids = list(dict.fromkeys(page_perms.order_by("pk").values_list("group_id", flat=True)))
        free = next((group_id for group_id in group_ids if group_id not in claimed), None)
        if free is not None:
            ProviderPage.objects.filter(pk=page.pk).update(group_id=free)
            claimed.add(free)
            continue
        if not group_ids:
            continue  # nobody works for this provider yet: it gets its group when someone is given access
        shared = Group.objects.get(pk=group_ids[0])
        own = Group.objects.create(name=_unique_name(Group, page.title, page.pk))
        own.permissions.set(shared.permissions.all())
        for row in GroupCollectionPermission.objects.filter(group=shared):
            GroupCollectionPermission.objects.get_or_create(
                group=own, collection_id=row.collection_id, permission_id=row.permission_id
            )
        page_perms.filter(group=shared).update(group=own)
        users = set(
            RegisterApplication.objects.filter(provider_page_id=page.pk)
            .exclude(provider_user=None)
            .values_list("provider_user_id", flat=True)
        )
        if page.owner_id:
            users.add(page.owner_id)
        moved = Membership.objects.filter(group_id=shared.pk, user_id__in=users)
        for user_id in moved.values_list("user_id", flat=True):
            Membership.objects.get_or_create(group_id=own.pk, user_id=user_id)
        moved.delete()
        ProviderPage.objects.filter(pk=page.pk).update(group_id=own.pk)
        claimed.add(own.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_provider_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(link_provider_groups, migrations.RunPython.noop)]

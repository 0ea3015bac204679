"""The «Revisione del Comune» moderation workflow, its reviewers' group and the providers' page permissions.

`ensure_moderation_workflow` takes an app registry so the data migration (historical models) and the running
site (when the provider index is created, or after a test flushed the tables) build exactly the same objects.
"""

from django.apps import apps as global_apps
from django.db import transaction

from catalog.constants import EDITORS_GROUP, PROVIDER_GROUP_PREFIX, TASK_NAME, WORKFLOW_NAME

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Providers add and edit pages in their own subtree; publishing stays with the City (the workflow).
PROVIDER_PAGE_PERMISSIONS = ["add_page", "change_page"]
PROVIDER_COLLECTION_PERMISSIONS = [("wagtailimages", "add_image"), ("wagtailimages", "choose_image")]


def _permission(apps, app_label: str, codename: str):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_moderation_workflow(apps=global_apps):
    """Create (idempotently) the editors' group with its site-wide rights, the task and the workflow."""
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    editors.permissions.add(
        _permission(apps, "wagtailadmin", "access_admin"),
        _permission(apps, "catalog", "view_registerapplication"),
        _permission(apps, "catalog", "change_registerapplication"),
    )
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editors, page=root, permission=_permission(apps, "wagtailcore", codename)
            )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=content_type, active=True)
    task.groups.add(editors)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def assign_moderation_workflow(provider_index) -> None:
    """Every page under the provider index (Schede Ente and Schede Servizio) goes through the workflow."""
    from wagtail.models import WorkflowPage

    workflow = ensure_moderation_workflow()
    WorkflowPage.objects.update_or_create(page=provider_index, defaults={"workflow": workflow})


def provider_group_name(title: str, key: int, taken=lambda name: False) -> str:
    """A readable, unique group name «Ente: <title> [<key>]» within Group.name's 150 characters.

    The name is only a label for the admin: the group is found through `ProviderPage.group`, never by name.
    `taken(name)` says whether a name is in use (a group created by hand may hold it): then a counter is added.
    """
    suffix, n = f" [{key}]", 1
    while True:
        name = f"{PROVIDER_GROUP_PREFIX}{title}"[: 150 - len(suffix)] + suffix
        if not taken(name):
            return name
        n += 1
        suffix = f" [{key}-{n}]"


@transaction.atomic
def grant_provider_permissions(provider_page):
    """The provider's own group (created once, tied to the page by key): add and edit under this page, never publish.

    Images go to the provider's own collection (a child of the root named like the group), so the image chooser
    offers a provider its own images only, never another provider's. Returns the group; calling it again returns
    the same group. Two providers with the same name never share one.
    """
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    from catalog.models import ProviderPage

    group = ProviderPage.objects.select_for_update().get(pk=provider_page.pk).group
    if group is None:
        name = provider_group_name(
            provider_page.title, provider_page.pk, lambda name: Group.objects.filter(name=name).exists()
        )
        group = Group.objects.create(name=name)
        ProviderPage.objects.filter(pk=provider_page.pk).update(group=group)
    provider_page.group = group
    group.permissions.add(_permission(global_apps, "wagtailadmin", "access_admin"))
    for codename in PROVIDER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=provider_page, permission=_permission(global_apps, "wagtailcore", codename)
        )
    collection = Collection.objects.filter(group_permissions__group=group).exclude(
        depth=1
    ).first() or Collection.get_first_root_node().add_child(name=group.name)
    for app_label, codename in PROVIDER_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(global_apps, app_label, codename)
        )
    return group

"""Each provider's images live in its own collection, so the image chooser never offers another provider's images.

Providers' groups used to add and choose images in the root collection, which let every provider browse every other
provider's uploads (for instance the photos of a service still in draft). Each provider group now gets a child
collection named like the group; its rights move there, and so do the images its members uploaded to the root.
"""

from django.conf import settings
from django.db import migrations


def own_collections(apps, schema_editor):
    from wagtail.models import Collection  # treebeard's add_child is not available on historical models

    ProviderPage = apps.get_model("catalog", "ProviderPage")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Image = apps.get_model("wagtailimages", "Image")
    Membership = apps.get_model(settings.AUTH_USER_MODEL).groups.through

    root = Collection.get_first_root_node()
    if root is None:
        return
    for page in ProviderPage.objects.exclude(group=None).select_related("group"):
        on_root = GroupCollectionPermission.objects.filter(group_id=page.group_id, collection_id=root.pk)
        if not on_root.exists():
            continue
        collection = root.add_child(name=page.group.name)
        on_root.update(collection_id=collection.pk)
        members = Membership.objects.filter(group_id=page.group_id).values_list("user_id", flat=True)
        Image.objects.filter(collection_id=root.pk, uploaded_by_user_id__in=list(members)).update(
            collection_id=collection.pk
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_private_attachments"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(own_collections, migrations.RunPython.noop)]

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from catalog import operator_views, operators
from catalog.admin_views import ApplicationPermissionPolicy, RegisterApplicationViewSet
from catalog.models import RegisterApplication
from core.admin_menu import register_menu_item

register_permission_policy(RegisterApplication, ApplicationPermissionPolicy(RegisterApplication))


@hooks.register("register_admin_viewset")
def register_application_viewset():
    return RegisterApplicationViewSet("register_applications")


@hooks.register("register_admin_urls")
def register_operator_urls():
    return [
        path("ente/operatori/", operator_views.operator_list, name="catalog_operators"),
        path(
            "ente/<int:provider_id>/operatori/<int:user_id>/togli/",
            operator_views.operator_remove,
            name="catalog_operator_remove",
        ),
    ]


# Shown to a provider's administrators (superusers reach the page through the address, choosing the provider).
register_menu_item(
    _("Operatori dell'ente"),
    "catalog_operators",
    icon="group",
    order=255,
    shown_to=lambda user: not user.is_superuser and operators.administered_providers(user).exists(),
)

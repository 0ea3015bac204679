from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from catalog import operator_views, operators
from catalog.admin_views import ApplicationPermissionPolicy, RegisterApplicationViewSet
from catalog.models import RegisterApplication

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


class OperatorsMenuItem(MenuItem):
    """Shown to a provider's administrators (superusers reach the page through the address, choosing the provider)."""

    def is_shown(self, request):
        return not request.user.is_superuser and operators.administered_providers(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_operators_menu_item():
    return OperatorsMenuItem(_("Operatori dell'ente"), reverse("catalog_operators"), icon_name="group", order=255)

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from catalog.admin_views import ApplicationPermissionPolicy, RegisterApplicationViewSet
from catalog.models import RegisterApplication

register_permission_policy(RegisterApplication, ApplicationPermissionPolicy(RegisterApplication))


@hooks.register("register_admin_viewset")
def register_application_viewset():
    return RegisterApplicationViewSet("register_applications")

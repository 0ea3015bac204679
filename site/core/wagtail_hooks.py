from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core.admin_views import AuditEntryViewSet, AuditPermissionPolicy
from core.models import AuditEntry

register_permission_policy(AuditEntry, AuditPermissionPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet()

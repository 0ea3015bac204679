from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from monitoring import views


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    return [
        path("monitoraggio/", views.dashboard, name="monitoring_dashboard"),
        path("monitoraggio/equita/", views.equity, name="monitoring_equity"),
    ]


class MonitoringMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.PERMISSION)


class MonitoringSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.PERMISSION)


@hooks.register("register_admin_menu_item")
def register_monitoring_menu():
    menu = Menu(
        items=[
            MonitoringMenuItem(_("Cifre per sfida e dimensione"), reverse("monitoring_dashboard"), icon_name="table"),
            MonitoringMenuItem(_("Equità tra i municipi"), reverse("monitoring_equity"), icon_name="site"),
        ]
    )
    return MonitoringSubmenu(_("Monitoraggio"), menu, icon_name="view", order=9200)

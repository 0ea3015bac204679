from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu

from core.admin_menu import RuleMenuItem, RuleSubmenuMenuItem, has_permission
from monitoring import views


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    return [
        path("monitoraggio/", views.dashboard, name="monitoring_dashboard"),
        path("monitoraggio/equita/", views.equity, name="monitoring_equity"),
    ]


@hooks.register("register_admin_menu_item")
def register_monitoring_menu():
    staff = has_permission(views.PERMISSION)
    menu = Menu(
        items=[
            RuleMenuItem(
                _("Cifre per sfida e dimensione"), reverse("monitoring_dashboard"), shown_to=staff, icon_name="table"
            ),
            RuleMenuItem(_("Equità tra i municipi"), reverse("monitoring_equity"), shown_to=staff, icon_name="site"),
        ]
    )
    return RuleSubmenuMenuItem(_("Monitoraggio"), menu, shown_to=staff, icon_name="view", order=9200)

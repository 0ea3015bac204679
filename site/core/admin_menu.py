"""Wagtail admin menu items that only some users see, registered in one line by each app.

The rule says who sees the item; the page behind it checks its own permission again (a hidden item is a
convenience, never the lock).
"""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSetGroup


class ShownTo:
    """A Wagtail menu item shown when `shown_to(user)` is true (keyword argument, a function of the user)."""

    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request) -> bool:
        return bool(self.shown_to(request.user))


class RuleMenuItem(ShownTo, MenuItem):
    """A link in an admin menu, shown by a rule: `RuleMenuItem(label, url, shown_to=..., icon_name=...)`."""


class RuleSubmenuMenuItem(ShownTo, SubmenuMenuItem):
    """A submenu of the admin, shown by a rule: `RuleSubmenuMenuItem(label, menu, shown_to=..., icon_name=...)`."""


def has_permission(codename: str):
    """The rule "the user has the permission `codename`" ("app_label.action_model")."""
    return lambda user: user.has_perm(codename)


def register_menu_item(label, url_name: str, *, icon: str, order: int, shown_to, hook="register_admin_menu_item"):
    """Register, through the Wagtail hook `hook` (the main menu; "register_reports_menu_item" for Reports), a link to
    the admin URL named `url_name` (reversed when the menu is built), shown to the users for whom `shown_to(user)`
    is true."""
    hooks.register(hook, lambda: RuleMenuItem(label, reverse(url_name), shown_to=shown_to, icon_name=icon, order=order))


class MenuGroup(ModelViewSetGroup):
    """Wagtail's group of model viewsets (one admin menu with a submenu), its menu given when it is made."""

    def __init__(self, label, name: str, icon: str, items):
        self.menu_label, self.menu_name, self.menu_icon, self.items = label, name, icon, tuple(items)
        super().__init__()


def register_viewset_group(label, name: str, icon: str, items) -> None:
    """Register model viewsets (classes) as one admin menu `label` with a submenu item each (`name`: the menu's
    name in the admin's HTML; `icon`: a Wagtail icon name)."""
    hooks.register("register_admin_viewset", lambda: MenuGroup(label, name, icon, items))

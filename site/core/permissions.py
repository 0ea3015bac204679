"""Admin permission policies that refuse some actions to everyone, superusers included.

Records that change only through their services (audit entries, ledger entries, applications, rankings) must
not offer «Aggiungi», «Modifica» or «Elimina» in Wagtail's admin: their policy subclasses `RefusingPolicy`,
names the refused actions and says why in its docstring; every other action is asked of Django's permissions.
"""

from wagtail.permission_policies import ModelPermissionPolicy

#: The actions that would write a record through the admin.
WRITES = frozenset({"add", "change", "delete"})


class RefusingPolicy(ModelPermissionPolicy):
    """A model permission policy whose `refused` actions ("add", "change", "delete", ...) nobody may perform.

    Wagtail's `user_has_any_permission` asks `user_has_permission` for each action, so it refuses them too.
    """

    refused: frozenset[str] = frozenset()

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)

"""The one way an application or an appeal changes state: an allowed-transitions table and an audit entry per move."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import log_action
from core.errors import DomainError
from vouchercall.models import Appeal, Application

AS, PS = Application.State, Appeal.State

ALLOWED: dict[type, dict[str, set[str]]] = {
    Application: {
        AS.SENT: {AS.TO_REGULARISE, AS.WITHDRAWN, AS.EXCLUDED},
        AS.TO_REGULARISE: {AS.SENT, AS.WITHDRAWN, AS.EXCLUDED},
        AS.EXCLUDED: {AS.SENT},
    },
    Appeal: {PS.PENDING: {PS.ACCEPTED, PS.REJECTED}},
}
ACTION_NAMES = {Application: "application", Appeal: "appeal"}


class TransitionNotAllowed(DomainError):
    code = "vouchercall.transition_not_allowed"

    def __init__(self, obj, to: str):
        super().__init__(
            _("Operazione non più possibile: lo stato attuale è «%(state)s».") % {"state": obj.get_state_display()}
        )


def transition(obj, to: str, actor=None, reason: str = "", *, actor_label: str = "", **fields):
    """Lock the row, check the move against ALLOWED, write the state (and `fields`) and its audit entry together.

    Audit action: "vouchercall.<application|appeal>.<to>". Raises TransitionNotAllowed and changes nothing otherwise.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if to not in ALLOWED[model].get(locked.state, set()):
            obj.state = locked.state
            raise TransitionNotAllowed(locked, to)
        now = timezone.now()
        updates = {"state": to, **fields}
        if model is Application:
            updates["state_changed_at"] = now
        model.objects.filter(pk=obj.pk).update(**updates)
        log_action(
            actor,
            f"vouchercall.{ACTION_NAMES[model]}.{to}",
            locked,
            {name: str(value) for name, value in fields.items() if name != "exclusion_reason"},
            from_state=locked.state,
            to_state=to,
            reason=reason,
            actor_label=actor_label,
        )
    for name, value in updates.items():
        setattr(obj, name, value)
    return obj

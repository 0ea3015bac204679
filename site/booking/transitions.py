"""The one way a request, quote or order changes state: an allowed-transitions table and an audit entry per move."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Cancellation, Order, Quote, ServiceRequest
from core.audit import log_action
from core.errors import DomainError

RS, QS, OS, CS = ServiceRequest.State, Quote.State, Order.State, Cancellation.State

ALLOWED: dict[type, dict[str, set[str]]] = {
    ServiceRequest: {RS.SENT: {RS.QUOTED, RS.DECLINED, RS.EXPIRED, RS.WITHDRAWN}},
    Quote: {QS.OFFERED: {QS.ACCEPTED, QS.REJECTED, QS.EXPIRED}},
    Order: {
        OS.AWAITING_PAYMENT: {OS.PAYMENT_PENDING, OS.PAID, OS.CANCELLED},
        OS.PAYMENT_PENDING: {OS.PAID, OS.CANCELLED},
        OS.PAID: {OS.COMPLETED, OS.CANCELLED},
    },
    Cancellation: {
        CS.REQUESTED: {CS.ACCEPTED, CS.REFUSED},
        CS.REFUSED: {CS.DISPUTED},
        CS.DISPUTED: {CS.ACCEPTED, CS.REJECTED},
    },
}

# The object part of the audit action code: "booking.request.quoted", "booking.order.paid", ...
ACTION_NAMES = {ServiceRequest: "request", Quote: "quote", Order: "order", Cancellation: "cancellation"}


class TransitionNotAllowed(DomainError):
    """The object is not in a state from which this move is allowed; `message` is Italian."""

    code = "booking.transition_not_allowed"

    def __init__(self, obj, to: str):
        super().__init__(
            _("Operazione non più possibile: lo stato attuale è «%(state)s».") % {"state": obj.get_state_display()}
        )
        self.detail = f"{type(obj).__name__} {obj.pk}: {obj.state} -> {to} not allowed"


def allowed(model: type, from_state: str, to_state: str) -> bool:
    return to_state in ALLOWED[model].get(from_state, set())


def transition(obj, to: str, actor=None, note: str = "", *, actor_label: str = ""):
    """Lock the row, re-check the move against ALLOWED, write the state and its audit entry together.

    actor: the user who moves it, or None for the system (`actor_label` then names the job, e.g. "scadenze").
    Raises TransitionNotAllowed (a DomainError) and changes nothing when the move is not allowed.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if not allowed(model, locked.state, to):
            obj.state = locked.state
            raise TransitionNotAllowed(locked, to)
        now = timezone.now()
        model.objects.filter(pk=obj.pk).update(state=to, state_changed_at=now)
        log_action(
            actor,
            f"booking.{ACTION_NAMES[model]}.{to}",
            locked,
            from_state=locked.state,
            to_state=to,
            reason=note,
            actor_label=actor_label,
        )
    obj.state, obj.state_changed_at = to, now
    return obj

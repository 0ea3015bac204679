"""The one way a request, quote or order changes state: an allowed-transitions table and a log entry per move."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Order, Quote, ServiceRequest, StateLog

RS, QS, OS = ServiceRequest.State, Quote.State, Order.State

ALLOWED: dict[type, dict[str, set[str]]] = {
    ServiceRequest: {RS.SENT: {RS.QUOTED, RS.DECLINED, RS.EXPIRED, RS.WITHDRAWN}},
    Quote: {QS.OFFERED: {QS.ACCEPTED, QS.REJECTED, QS.EXPIRED}},
    Order: {OS.AWAITING_PAYMENT: {OS.PAID, OS.CANCELLED}, OS.PAID: {OS.COMPLETED, OS.CANCELLED}},
}


class TransitionNotAllowed(Exception):
    """The object is not in a state from which this move is allowed; `message` is Italian."""

    def __init__(self, obj, to: str):
        self.message = _("Operazione non più possibile: lo stato attuale è «%(state)s».") % {
            "state": obj.get_state_display()
        }
        super().__init__(f"{type(obj).__name__} {obj.pk}: {obj.state} -> {to} not allowed")


def allowed(model: type, from_state: str, to_state: str) -> bool:
    return to_state in ALLOWED[model].get(from_state, set())


def transition(obj, to: str, actor=None, note: str = ""):
    """Lock the row, re-check the move against ALLOWED, write the state and its log entry together."""
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if not allowed(model, locked.state, to):
            obj.state = locked.state
            raise TransitionNotAllowed(locked, to)
        now = timezone.now()
        model.objects.filter(pk=obj.pk).update(state=to, state_changed_at=now)
        StateLog.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=obj.pk,
            from_state=locked.state,
            to_state=to,
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
        )
    obj.state, obj.state_changed_at = to, now
    return obj


def history(obj):
    return StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")

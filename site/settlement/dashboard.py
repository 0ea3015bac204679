"""What awaits a provider, on its Wagtail admin home: a fixed number of queries whatever the volumes.

- requests to answer, soonest deadline first, with the working days left before the service's maximum wait
  (`booking.quotes.add_working_days`, the rule `expire_bookings` applies);
- paid orders to mark completed;
- payments to confirm (parts paid at the provider or by bank transfer, soonest deadline first, the overdue ones
  marked) and the families' requests to cancel a paid order, to accept or refuse (`booking.cancellations`);
- the current statement (the latest one not discarded) and its total.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from booking.models import Cancellation, Order, Payment, ServiceRequest
from booking.quotes import add_working_days
from settlement import access
from settlement.models import Statement

SHOWN = 10


@dataclass
class Waiting:
    request: ServiceRequest
    deadline: object
    days_left: int


def working_days_between(start, end) -> int:
    """Working days (Monday-Friday) after `start` up to and including `end`; negative when `end` is past."""
    if end < start:
        return -working_days_between(end, start)
    days, day = 0, start
    while day < end:
        day = add_working_days(day, 1)
        if day <= end:
            days += 1
    return days


def provider_summary(provider_ids: list[int]) -> dict:
    """Counters and short lists for these providers (7 queries, whatever the volumes)."""
    today = timezone.localdate()
    counts = ServiceRequest.objects.filter(provider_id__in=provider_ids).aggregate(
        to_answer=Count("pk", filter=Q(state=ServiceRequest.State.SENT))
    )
    # One row per order (the cancellation is one-to-one), so the two counts do not multiply each other.
    counts.update(
        Order.objects.filter(provider_id__in=provider_ids).aggregate(
            to_complete=Count("pk", filter=Q(state=Order.State.PAID) & ~Q(cancellation__state__in=Cancellation.OPEN)),
            to_decide=Count("pk", filter=Q(cancellation__state=Cancellation.State.REQUESTED)),
        )
    )
    pending = Payment.objects.filter(order__provider_id__in=provider_ids, status=Payment.Status.PENDING)
    counts.update(pending.aggregate(to_confirm=Count("pk"), overdue=Count("pk", filter=Q(due_by__lt=today))))
    to_confirm = list(pending.select_related("order__quote__request__service").order_by("due_by", "pk")[:SHOWN])
    to_decide = list(
        Cancellation.objects.filter(order__provider_id__in=provider_ids, state=Cancellation.State.REQUESTED)
        .select_related("order__quote__request__service")
        .order_by("created_at", "pk")[:SHOWN]
    )
    waiting = []
    for request in (
        ServiceRequest.objects.filter(provider_id__in=provider_ids, state=ServiceRequest.State.SENT)
        .select_related("service")
        .order_by("created_at")[:SHOWN]
    ):
        deadline = add_working_days(timezone.localdate(request.created_at), request.service.max_wait_days)
        waiting.append(Waiting(request, deadline, working_days_between(today, deadline)))
    statement = (
        Statement.objects.filter(provider_id__in=provider_ids)
        .exclude(state=Statement.State.DISCARDED)
        .annotate(total_amount=Sum("lines__amount"))
        .order_by("-created_at", "-pk")
        .first()
    )
    return {**counts, "waiting": waiting, "statement": statement, "payments": to_confirm, "cancellations": to_decide}


class ProviderHomePanel(Component):
    """The provider's «Cosa ti aspetta» panel on the admin home."""

    name = "settlement_provider_home"
    order = 50
    template_name = "settlement/home_panel.html"

    def __init__(self, provider_ids: list[int]):
        self.provider_ids = provider_ids

    def get_context_data(self, parent_context):
        return {"summary": provider_summary(self.provider_ids), "title": _("Cosa ti aspetta")}


def panels_for(user) -> list[Component]:
    ids = access.provider_ids(user)
    return [ProviderHomePanel(ids)] if ids else []


def city_requests(data: dict):
    """Every provider's requests filtered by provider text, category and state, and counters per state.

    `data`: the cleaned CityRequestFilterForm (empty values are ignored). Returns (requests queryset, counters
    {state: count} over the same filters except the state, one query).
    """
    found = ServiceRequest.objects.all()
    if text := (data.get("ente") or "").strip():
        found = found.filter(
            Q(provider__title__icontains=text)
            | Q(provider__legal_name__icontains=text)
            | Q(provider__tax_code=text.upper())
        )
    if data.get("categoria"):
        found = found.filter(service__category=data["categoria"])
    counters = found.aggregate(
        total=Count("pk"), **{state: Count("pk", filter=Q(state=state)) for state in ServiceRequest.State.values}
    )
    if data.get("stato"):
        found = found.filter(state=data["stato"])
    return found.select_related("provider", "service").order_by("-created_at", "-pk"), counters

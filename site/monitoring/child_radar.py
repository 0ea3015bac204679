"""A child's wellbeing radar: which of the five wellbeing descriptors the child's activities cover.

A service sheet rates each descriptor from 0 to 5 (the seed's Scheda Servizio). The child's radar takes,
for each descriptor, the highest rating among the services of the child's paid and completed orders; a
descriptor is *covered* from COVERED (3 of 5) up. For each uncovered descriptor it suggests up to three
live services rated SUGGESTED (4) or more there, open to the child's age today, serving the family's
municipio (or online), not already booked for the child. Private to the family: nothing is stored.
Queries: two for the child's services, one per uncovered descriptor (at most five).
"""

from django.db.models import Q
from django.utils import timezone

from booking.marketplace import age_on
from booking.models import Order
from catalog.constants import DESCRIPTOR_MAX, DESCRIPTORS
from catalog.models import ServicePage
from catalog.radar import radar_chart

COVERED = 3
SUGGESTED = 4
SUGGESTIONS_PER_DESCRIPTOR = 3


def child_radar(child) -> dict:
    """{"radar", "descriptors": [{field, label, score, covered, suggestions}], "age", "activities"}."""
    fields = [field for field, _label in DESCRIPTORS]
    booked = list(
        Order.objects.filter(quote__request__child=child, state__in=[Order.State.PAID, Order.State.COMPLETED])
        .values_list("quote__request__service_id", flat=True)
        .distinct()
    )
    services = list(ServicePage.objects.filter(pk__in=booked).only("title", "url_path", *fields))
    age = age_on(child.birth_date, timezone.localdate())
    municipio = child.guardian.municipio
    descriptors = []
    for field, label in DESCRIPTORS:
        score = max((getattr(service, field) for service in services), default=0)
        suggestions = []
        if score < COVERED:
            reach = Q(online=True)
            if municipio:
                reach |= Q(served_municipi__municipio=municipio)
            suggestions = list(
                ServicePage.objects.live()
                .filter(reach, **{f"{field}__gte": SUGGESTED}, age_min__lte=age, age_max__gte=age)
                .exclude(pk__in=booked)
                .order_by(f"-{field}", "title")
                .distinct()
                .only("title", "url_path", "summary", field)[:SUGGESTIONS_PER_DESCRIPTOR]
            )
        descriptors.append(
            {"field": field, "label": label, "score": score, "covered": score >= COVERED, "suggestions": suggestions}
        )
    return {
        "radar": radar_chart([(str(d["label"]), d["score"]) for d in descriptors], maximum=DESCRIPTOR_MAX),
        "descriptors": descriptors,
        "age": age,
        "activities": services,
        "covered_threshold": COVERED,
    }

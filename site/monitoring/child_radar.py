"""A child's wellbeing radar: which of the five wellbeing descriptors the child's activities cover.

A service sheet rates each descriptor from 0 to 5 (the seed's Scheda Servizio). The child's radar takes,
for each descriptor, the highest rating among the services of the child's paid and completed orders; a
descriptor is *covered* from COVERED (3 of 5) up. For each uncovered descriptor it suggests up to three
live services rated SUGGESTED (4) or more there, open to the child's age today, serving the family's
municipio (or online), not already booked for the child. Private to the family: nothing is stored.
Queries: one for the child's services, one for their ratings, one per uncovered descriptor (at most five).
"""

from django.utils import timezone

from booking.marketplace import age_on
from booking.models import Order
from catalog import facts as catalogue
from catalog.radar import radar_chart
from core.vocabularies import DESCRIPTOR_MAX, Descriptor

COVERED = 3
SUGGESTED = 4
SUGGESTIONS_PER_DESCRIPTOR = 3


def child_radar(child) -> dict:
    """{"radar", "descriptors": [{field, label, score, covered, suggestions}], "age", "activities"}."""
    booked = set(
        Order.objects.filter(quote__request__child=child, state__in=[Order.State.PAID, Order.State.COMPLETED])
        .values_list("quote__request__service_id", flat=True)
        .distinct()
    )
    scores = catalogue.descriptor_scores(booked)
    age = age_on(child.birth_date, timezone.localdate())
    descriptors = []
    for field, label in ((descriptor.field, descriptor.label) for descriptor in Descriptor):
        score = max((ratings[field] for _card, ratings in scores.values()), default=0)
        suggestions = []
        if score < COVERED:
            suggestions = catalogue.services_strong_in(
                field,
                minimum=SUGGESTED,
                age=age,
                municipio=child.guardian.municipio,
                exclude=booked,
                limit=SUGGESTIONS_PER_DESCRIPTOR,
            )
        descriptors.append(
            {"field": field, "label": label, "score": score, "covered": score >= COVERED, "suggestions": suggestions}
        )
    return {
        "radar": radar_chart([(str(d["label"]), d["score"]) for d in descriptors], maximum=DESCRIPTOR_MAX),
        "descriptors": descriptors,
        "age": age,
        "activities": sorted((card for card, _ratings in scores.values()), key=lambda card: card.title),
    }

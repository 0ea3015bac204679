"""Queries other apps use to show catalogue content."""

from catalog.models import ServicePage, live_services

CHALLENGE_SERVICES_LIMIT = 12


def live_services_for_challenge(challenge_page, limit: int = CHALLENGE_SERVICES_LIMIT) -> list[ServicePage]:
    """The live services addressing a challenge, newest first, with their provider (one query + one prefetch)."""
    return list(live_services().filter(challenges=challenge_page)[:limit])

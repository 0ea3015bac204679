"""Queries other apps use to show catalogue content."""

from catalog.models import ServicePage, live_services

CHALLENGE_SERVICES_LIMIT = 12


def live_services_for_challenge(challenge_page, limit: int = CHALLENGE_SERVICES_LIMIT) -> list[ServicePage]:
    """Live services addressing a challenge, newest first, with their provider: 3 queries whatever the count.

    (Private-page restrictions, the services joined with their provider, the municipi prefetch.)
    """
    return list(live_services().filter(challenges=challenge_page)[:limit])

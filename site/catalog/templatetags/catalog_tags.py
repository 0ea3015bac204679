from django import template

register = template.Library()


@register.simple_tag
def dots(score: int, maximum: int) -> str:
    """●●●○○ for 3 out of 5 (decorative: the template adds the text for screen readers)."""
    score = max(0, min(int(score or 0), maximum))
    return "●" * score + "○" * (maximum - score)


@register.simple_tag
def challenge_services(challenge):
    """The live services addressing a challenge, for the challenge page's include."""
    from catalog.queries import live_services_for_challenge

    return live_services_for_challenge(challenge)

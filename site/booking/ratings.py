"""Ratings: a family rates a completed order, the City moderates comments, the provider replies once.

Ratings reach the catalogue's search documents through the hook booking owns: `search_summaries` is
registered with `catalog.facts.register_rating_source` in BookingConfig.ready (catalog never imports booking),
and every new rating asks `catalog.facts.services_changed` to rebuild its service's document after commit.
"""

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.errors import BookingError
from booking.models import Order, Rating
from catalog.facts import services_changed
from core.audit import log_action


def rate(order: Order, *, actor, overall, quality, punctuality, courtesy, comment="") -> Rating:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != Order.State.COMPLETED:
            raise BookingError(
                _("Puoi dare il tuo giudizio quando l'ente ha concluso il servizio."), code="booking.rating_too_early"
            )
        if Rating.objects.filter(order=order).exists():
            raise BookingError(_("Hai già dato il tuo giudizio su questo servizio."), code="booking.rating_given")
        comment = comment.strip()
        rating = Rating.objects.create(
            order=order,
            service_id=order.quote.request.service_id,
            overall=overall,
            quality=quality,
            punctuality=punctuality,
            courtesy=courtesy,
            comment=comment,
            moderation=Rating.Moderation.PENDING if comment else Rating.Moderation.NONE,
        )
        services_changed([rating.service_id])
    ratings_changed()
    return rating


def moderate(rating: Rating, *, approve: bool, actor) -> None:
    """Only the City publishes a comment (the admin view checks the permission)."""
    if rating.moderation != Rating.Moderation.PENDING:
        raise BookingError(_("Questo commento è già stato moderato."), code="booking.rating_moderated")
    status = Rating.Moderation.APPROVED if approve else Rating.Moderation.REJECTED
    with transaction.atomic():
        if not Rating.objects.filter(pk=rating.pk, moderation=Rating.Moderation.PENDING).update(
            moderation=status, moderated_by=actor, moderated_at=timezone.now()
        ):
            raise BookingError(_("Questo commento è già stato moderato."), code="booking.rating_moderated")
        log_action(actor, f"booking.rating.{status}", rating, from_state=Rating.Moderation.PENDING, to_state=status)
    rating.moderation = status
    ratings_changed()


def reply(rating: Rating, *, text: str, actor) -> None:
    """The provider's public reply: once."""
    text = text.strip()
    if not text:
        raise BookingError(_("Scrivi la risposta."), code="booking.reply_empty")
    if not Rating.objects.filter(pk=rating.pk, reply="").update(reply=text, replied_at=timezone.now()):
        raise BookingError(_("Hai già risposto a questo giudizio."), code="booking.reply_given")
    rating.reply = text
    ratings_changed()


def ratings_changed(**kwargs) -> None:
    """Drop the service pages' cached ratings (they are cached with the sheet, see `service_ratings`).

    Called after every change made here with `update()`, and connected to Rating's post_save and post_delete.
    """
    from theme.chrome_cache import invalidate

    invalidate()


def rating_summary(service_id: int) -> dict:
    data = Rating.objects.filter(service_id=service_id).aggregate(
        average=Avg("overall"),
        count=Count("pk"),
        quality=Avg("quality"),
        punctuality=Avg("punctuality"),
        courtesy=Avg("courtesy"),
    )
    data["comments"] = Rating.objects.filter(service_id=service_id, moderation=Rating.Moderation.APPROVED).order_by(
        "-created_at"
    )[:20]
    return data


def search_summaries(service_ids: list[int]) -> dict[int, tuple[float | None, int]]:
    """(average overall score rounded to 2 decimals, count) of each rated service among `service_ids`, in one
    grouped query: what the search documents show (registered with `catalog.facts.register_rating_source`)."""
    rows = (
        Rating.objects.filter(service_id__in=list(service_ids))
        .values("service_id")
        .annotate(average=Avg("overall"), count=Count("pk"))
    )
    return {row["service_id"]: (round(float(row["average"]), 2), row["count"]) for row in rows}

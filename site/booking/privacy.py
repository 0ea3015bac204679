"""A family's rights over its data (GDPR arts. 15, 17 and 20): download everything, and erase it.

Export: `family_data(guardian)` is every datum the site holds about the family (profile, account,
children, vouchers with their ledger, requests with quotes and messages, orders with payments and
ratings, and the history of those objects), as a JSON-able dict; the family downloads it as JSON
or reads it as a printable HTML page.

Erasure is immediate, on the family's own confirmation (it is signed in: SPID/CIE or a verified
email), and refused while something is still open with a provider (a request awaiting an answer, a
quote to decide, an order to pay or in progress): those involve another party and money. It removes
the personal data (names, codici fiscali, birth dates, email, phone, municipio, the account's login
identities, every message and its attachments, the free text of requests, quotes and ratings, and
the free text of the audit entries about the family) but keeps the money records, anonymised:
ledger entries, wallets and their values, orders' prices and payments stay, because the City must
keep its accounting records (GDPR art. 17(3)(b); art. 2220 of the Civil Code, ten years). The
anonymised rows keep their ids and links so the sums do not change. The erasure itself is logged
("privacy.erasure") on the guardian.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import (
    Cancellation,
    Child,
    Guardian,
    LedgerEntry,
    Message,
    Order,
    Quote,
    Rating,
    ServiceRequest,
    Wallet,
)
from catalog.facts import services_changed
from core.audit import action_label, log_action
from core.errors import DomainError
from core.models import AuditEntry

# What an erased child's birth date becomes: the column is required, and this date is no one's.
ERASED_BIRTH_DATE = datetime.date(1900, 1, 1)


class ErasureRefused(DomainError):
    code = "privacy.erasure_refused"


def _iso(value):
    return value.isoformat() if value else None


def _open_items(guardian: Guardian) -> dict[str, int]:
    return {
        "requests": ServiceRequest.objects.filter(guardian=guardian, state=ServiceRequest.State.SENT).count(),
        "quotes": Quote.objects.filter(request__guardian=guardian, state=Quote.State.OFFERED).count(),
        "orders": Order.objects.filter(
            guardian=guardian, state__in=[Order.State.AWAITING_PAYMENT, Order.State.PAYMENT_PENDING, Order.State.PAID]
        ).count(),
    }


def open_items(guardian: Guardian) -> dict[str, int]:
    """What blocks erasure: {"requests": n, "quotes": n, "orders": n}, only the non-zero ones."""
    return {name: count for name, count in _open_items(guardian).items() if count}


def _family_objects(guardian: Guardian) -> dict[type, list[int]]:
    requests = list(ServiceRequest.objects.filter(guardian=guardian).values_list("pk", flat=True))
    orders = list(Order.objects.filter(guardian=guardian).values_list("pk", flat=True))
    return {
        Guardian: [guardian.pk],
        Child: list(guardian.children.values_list("pk", flat=True)),
        Wallet: list(Wallet.objects.filter(holder=guardian).values_list("pk", flat=True)),
        ServiceRequest: requests,
        Quote: list(Quote.objects.filter(request__in=requests).values_list("pk", flat=True)),
        Order: orders,
        Rating: list(Rating.objects.filter(order__in=orders).values_list("pk", flat=True)),
        Cancellation: list(Cancellation.objects.filter(order__in=orders).values_list("pk", flat=True)),
    }


def _history(objects: dict[type, list[int]]):
    from django.contrib.contenttypes.models import ContentType

    condition = Q(pk__in=[])
    for model, ids in objects.items():
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return AuditEntry.objects.filter(condition)


def family_data(guardian: Guardian) -> dict:
    """Everything about this family, as JSON-able values (dates ISO 8601, amounts in EUR as strings)."""
    user = guardian.user
    children = list(guardian.children.all())
    wallets = Wallet.objects.with_balance().filter(holder=guardian).select_related("call", "child")
    requests = (
        ServiceRequest.objects.filter(guardian=guardian)
        .select_related("service", "provider", "child")
        .prefetch_related("messages")
        .order_by("created_at", "pk")
    )
    quotes = {quote.request_id: quote for quote in Quote.objects.filter(request__guardian=guardian)}
    orders = (
        Order.objects.filter(guardian=guardian)
        .select_related("quote__request__service", "provider")
        .prefetch_related("payments")
        .order_by("created_at", "pk")
    )
    ratings = {rating.order_id: rating for rating in Rating.objects.filter(order__guardian=guardian)}
    cancellations = {c.order_id: c for c in Cancellation.objects.filter(order__guardian=guardian)}
    objects = _family_objects(guardian)
    return {
        "generated_at": timezone.now().isoformat(),
        "guardian": {
            "first_name": guardian.first_name,
            "last_name": guardian.last_name,
            "fiscal_code": guardian.fiscal_code,
            "fiscal_code_verified": guardian.fiscal_code_verified,
            "email": guardian.email,
            "phone": guardian.phone,
            "municipio": guardian.get_municipio_display() if guardian.municipio else None,
            "saved_selection": list(guardian.saved_selection),
            "created_at": _iso(guardian.created_at),
        },
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        }
        if user
        else None,
        "children": [
            {
                "id": child.pk,
                "first_name": child.first_name,
                "birth_date": _iso(child.birth_date),
                "fiscal_code": child.fiscal_code,
            }
            for child in children
        ],
        "vouchers": [
            {
                "id": wallet.pk,
                "call": wallet.call.name,
                "child": wallet.child_id,
                "value": str(wallet.value),
                "balance": str(wallet.balance),
                "valid_from": _iso(wallet.valid_from),
                "valid_until": _iso(wallet.valid_until),
                "entries": [
                    {"date": _iso(e.created_at), "kind": e.kind, "amount": str(e.amount), "memo": e.memo}
                    for e in LedgerEntry.objects.filter(wallet=wallet)
                ],
            }
            for wallet in wallets
        ],
        "requests": [
            {
                "id": request.pk,
                "service": request.service.title,
                "provider": request.provider.title,
                "child": request.child_id,
                "state": request.state,
                "created_at": _iso(request.created_at),
                "preferred_start": _iso(request.preferred_start),
                "preferred_end": _iso(request.preferred_end),
                "preferred_days": [str(day) for day in request.preferred_day_labels()],
                "message": request.message,
                "decline_reason": request.decline_reason,
                "quote": _quote(quotes.get(request.pk)),
                "messages": [
                    {
                        "date": _iso(message.created_at),
                        "from_family": message.from_family,
                        "body": message.body,
                        "attachment": message.attachment.name.rsplit("/", 1)[-1] if message.attachment else None,
                    }
                    for message in request.messages.all()
                ],
            }
            for request in requests
        ],
        "orders": [
            {
                "id": order.pk,
                "request": order.quote.request_id,
                "service": order.quote.request.service.title,
                "provider": order.provider.title,
                "state": order.state,
                "price": str(order.price),
                "created_at": _iso(order.created_at),
                "payments": [
                    {
                        "date": _iso(p.created_at),
                        "method": p.method,
                        "amount": str(p.amount),
                        "status": p.status,
                    }
                    for p in order.payments.all()
                ],
                "rating": _rating(ratings.get(order.pk)),
                "cancellation": _cancellation(cancellations.get(order.pk)),
            }
            for order in orders
        ],
        **{name: exporter(guardian) for name, exporter in _exporters.items()},
        "history": [
            {
                "date": _iso(entry.timestamp),
                "action": entry.action,
                "label": action_label(entry.action),
                "object": entry.content_type.model,
                "object_id": entry.object_id,
                "from_state": entry.from_state,
                "to_state": entry.to_state,
            }
            for entry in _history(objects).select_related("content_type").order_by("timestamp", "pk")
        ],
    }


def _quote(quote: Quote | None) -> dict | None:
    if quote is None:
        return None
    return {
        "state": quote.state,
        "price": str(quote.price),
        "start_date": _iso(quote.start_date),
        "schedule": quote.schedule,
        "notes": quote.notes,
        "valid_until": _iso(quote.valid_until),
    }


def _cancellation(cancellation: Cancellation | None) -> dict | None:
    if cancellation is None:
        return None
    return {
        "state": cancellation.state,
        "asked_at": _iso(cancellation.created_at),
        "reason": cancellation.reason,
        "provider_reason": cancellation.provider_reason,
        "dispute_reason": cancellation.dispute_reason,
        "city_reason": cancellation.city_reason,
    }


def _rating(rating: Rating | None) -> dict | None:
    if rating is None:
        return None
    return {
        "overall": rating.overall,
        "quality": rating.quality,
        "punctuality": rating.punctuality,
        "courtesy": rating.courtesy,
        "comment": rating.comment,
        "moderation": rating.moderation,
        "reply": rating.reply,
    }


_erasers: list = []
_exporters: dict = {}


def register_exporter(name: str, exporter) -> None:
    """A programme app that holds a family's data registers `exporter(guardian) -> list[dict]` (JSON-able values);
    `family_data` puts its answer under `name`, so the family's download and printable page include it."""
    _exporters[name] = exporter


def register_eraser(eraser) -> None:
    """A programme app that holds a family's personal data registers `eraser(guardian_id) -> dict[str, int]` (counts);
    `erase_family` calls it inside its transaction. booking never imports the programme apps (the layers)."""
    if eraser not in _erasers:
        _erasers.append(eraser)


def erase_family(guardian: Guardian, *, actor) -> dict[str, int]:
    """Erase the family's personal data, keep its money records anonymised; returns what was done (counts).

    Raises ErasureRefused (a DomainError) while requests, quotes or orders are still open.
    """
    with transaction.atomic():
        guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
        blocking = open_items(guardian)
        if blocking:
            raise ErasureRefused(
                _(
                    "Prima di cancellare i dati chiudi quello che è ancora aperto con gli enti: richieste in attesa "
                    "di risposta, preventivi da decidere, acquisti da pagare o in corso."
                )
            )
        objects = _family_objects(guardian)
        messages = Message.objects.filter(request__in=objects[ServiceRequest])
        for message in messages.exclude(attachment=""):
            message.attachment.delete(save=False)
        counts = {"messages": messages.count()}
        messages.delete()
        ServiceRequest.objects.filter(pk__in=objects[ServiceRequest]).update(message="", decline_reason="")
        Quote.objects.filter(pk__in=objects[Quote]).update(notes="")
        Cancellation.objects.filter(pk__in=objects[Cancellation]).update(
            reason="", provider_reason="", dispute_reason="", city_reason=""
        )
        rated = list(Rating.objects.filter(pk__in=objects[Rating]).values_list("service_id", flat=True))
        Rating.objects.filter(pk__in=objects[Rating]).update(comment="", reply="", moderation=Rating.Moderation.NONE)
        for child_id in objects[Child]:
            Child.objects.filter(pk=child_id).update(
                first_name="", fiscal_code=f"ANON{child_id:012d}"[:16], birth_date=ERASED_BIRTH_DATE
            )
        Guardian.objects.filter(pk=guardian.pk).update(
            first_name="",
            last_name="",
            fiscal_code=f"ANON{guardian.pk:012d}"[:16],
            fiscal_code_verified=False,
            email="",
            phone="",
            municipio=None,
            saved_selection=[],
        )
        for eraser in _erasers:
            counts.update(eraser(guardian.pk))
        history = _history(objects)
        if guardian.user_id:
            _erase_account(guardian.user_id)
            history = history | AuditEntry.objects.filter(actor_id=guardian.user_id)
        counts["audit_entries_redacted"] = history.redact()
        if getattr(actor, "pk", None) is not None and actor.pk == guardian.user_id:
            actor = get_user_model().objects.get(pk=actor.pk)  # the erased account, under its new name
        counts.update({model.__name__.lower(): len(ids) for model, ids in objects.items()})
        log_action(actor, "privacy.erasure", guardian, counts)
        if rated:
            services_changed(sorted(set(rated)))
    return counts


def _erase_account(user_id: int) -> None:
    """The sign-in identity goes: username, names, email, SPID/CIE link; a new unusable password ends every session."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    User = get_user_model()
    user = User.objects.get(pk=user_id)
    # Sign-in attempts recorded by django-axes name the account (and the address it came from).
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=[user.get_username(), user.email]).delete()
    user.username = f"cancellato-{user_id}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user_id=user_id).delete()
    SocialAccount.objects.filter(user_id=user_id).delete()

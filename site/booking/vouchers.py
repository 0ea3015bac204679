"""The only way money moves on a voucher.

Every function appends ledger entries inside one transaction that first locks the wallet row
(`SELECT ... FOR UPDATE`), then re-reads the balance under that lock: two payments at once queue on
the lock instead of both spending the same euro. Retried calls carry an idempotency key and get the
entry that the first call wrote. Each entry is also recorded in the audit trail ("voucher.ledger.<kind>").

Over 400 lines on purpose: it is the one place money moves (grant, redeem, reverse, refund, expire, revoke,
suspend), kept whole so that every path a euro can take is read, and reviewed, in one file.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import CENT, ZERO, Child, Guardian, LedgerEntry, VoucherCall, Wallet, cents
from core.audit import log_action, log_actions
from core.errors import DomainError


class VoucherError(DomainError):
    """A refused voucher operation; `message` is Italian and safe to show to the family."""

    code = "voucher.refused"
    default_message = _("Operazione sul voucher non consentita.")


class InvalidAmount(VoucherError):
    code = "voucher.invalid_amount"
    status = 400
    default_message = _("L'importo deve essere un numero positivo in euro, con al massimo due decimali.")


class InsufficientBalance(VoucherError):
    code = "voucher.insufficient_balance"
    default_message = _("Il saldo del voucher non è sufficiente per questo importo.")


class WalletNotValid(VoucherError):
    code = "voucher.not_valid_today"
    default_message = _("Il voucher non è utilizzabile oggi: è fuori dal suo periodo di validità.")


class WalletExpired(VoucherError):
    code = "voucher.expired"
    default_message = _("Il voucher è scaduto e non può più essere usato.")


class WalletRevoked(VoucherError):
    code = "voucher.revoked"
    default_message = _("Il voucher è stato revocato e non può più essere usato.")


class NothingToRevoke(VoucherError):
    code = "voucher.nothing_to_revoke"
    default_message = _("Sul voucher non resta nulla da revocare.")


class WalletSuspended(VoucherError):
    code = "voucher.suspended"
    default_message = _("Il voucher è sospeso dal Comune: per informazioni contatta l'Ufficio voucher.")


class NotCorrectable(VoucherError):
    code = "voucher.not_correctable"
    default_message = _("Si possono stornare o rimborsare solo i pagamenti, e non oltre l'importo pagato.")


class IdempotencyConflict(VoucherError):
    code = "voucher.idempotency_conflict"
    default_message = _("Questa operazione è già stata registrata con dati diversi.")


def money(amount) -> Decimal:
    """A positive amount in EUR with two places; anything else is refused, never rounded silently."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise InvalidAmount() from exc
    if not value.is_finite() or value <= 0 or value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidAmount()
    return value.quantize(CENT)


def _lock(wallet_id: int) -> Wallet:
    return Wallet.objects.select_for_update().get(pk=wallet_id)


def _total(entries) -> Decimal:
    """The sum of the entries' amounts in EUR (0.00 for none)."""
    return cents(entries.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])


def _balance(wallet_id: int) -> Decimal:
    return _total(LedgerEntry.objects.filter(wallet_id=wallet_id))


def _is_expired(wallet_id: int) -> bool:
    return LedgerEntry.objects.filter(wallet_id=wallet_id, kind=LedgerEntry.Kind.EXPIRY).exists()


def _is_revoked(wallet_id: int) -> bool:
    return LedgerEntry.objects.filter(wallet_id=wallet_id, kind=LedgerEntry.Kind.REVOCATION).exists()


def _refuse_closed(wallet_id: int) -> None:
    if _is_expired(wallet_id):
        raise WalletExpired()
    if _is_revoked(wallet_id):
        raise WalletRevoked()


def _refuse_unspendable(locked: Wallet) -> None:
    """Refuse a payment from a closed (expired, revoked), suspended or not yet / no longer valid wallet."""
    _refuse_closed(locked.pk)
    if locked.suspended_at is not None:
        raise WalletSuspended()
    if not locked.is_within_window(timezone.localdate()):
        raise WalletNotValid()


def _replayed(wallet_id: int, key: str | None, kind: str, amount: Decimal) -> LedgerEntry | None:
    if key is None:
        return None
    existing = LedgerEntry.objects.filter(wallet_id=wallet_id, idempotency_key=key).first()
    if existing is not None and (existing.kind != kind or abs(existing.amount) != amount):
        raise IdempotencyConflict()
    return existing


def _append(wallet: Wallet, kind: str, amount: Decimal, actor, *, key=None, original=None, memo="") -> LedgerEntry:
    entry = LedgerEntry.objects.create(
        wallet=wallet, kind=kind, amount=amount, actor=actor, idempotency_key=key, original=original, memo=memo
    )
    log_action(actor, f"voucher.ledger.{kind}", wallet, {"entry": entry.pk, "amount": str(amount)})
    return entry


def balance(wallet: Wallet) -> Decimal:
    return _balance(wallet.pk)


def wallet_code(wallet: Wallet) -> str:
    """The wallet's protocol code: what staff, exports and statements show instead of the child's name.

    "V" + the call's id + the wallet's id, e.g. "V03-000128"; stable, unique, and revealing nothing about the
    family (D.Lgs. 33/2013 art. 26 c.4: substitute codes, not initials). `find_by_code` reads it back.
    """
    return f"V{wallet.call_id:02d}-{wallet.pk:06d}"


def find_by_code(code: str) -> Wallet | None:
    """The wallet whose `wallet_code` is `code` (case and spaces ignored), or None for any other text."""
    text = (code or "").strip().upper().replace(" ", "")
    call_part, _sep, wallet_part = text.partition("-")
    if not (call_part.startswith("V") and call_part[1:].isdigit() and wallet_part.isdigit()):
        return None
    return Wallet.objects.filter(pk=int(wallet_part), call_id=int(call_part[1:])).first()


def create_wallet(
    *, child: Child, holder: Guardian, call: VoucherCall, value, valid_from=None, valid_until=None, actor=None
) -> Wallet:
    """A new wallet and its grant entry, together or not at all."""
    value = money(value)
    with transaction.atomic():
        wallet = Wallet.objects.create(
            child=child,
            holder=holder,
            call=call,
            value=value,
            valid_from=valid_from or call.valid_from,
            valid_until=valid_until or call.valid_until,
            created_by=actor,
        )
        grant(wallet, value, actor=actor, idempotency_key="initial-grant", memo=str(_("Assegnazione iniziale")))
    return wallet


def create_wallets(grants: list[tuple[Child, Guardian, Decimal]], *, call: VoucherCall, actor=None) -> list[Wallet]:
    """Many new wallets of one call, each with its grant entry (a ranking's grants), all or none.

    grants: [(child, holder, value in EUR), ...]. A constant number of queries whatever the number of wallets: new
    rows cannot be contended, so no wallet lock is needed, and the unique (call, child) constraint refuses a second
    wallet for a child (IntegrityError, nothing written). Each grant is in the audit trail like `grant`'s.
    """
    rows = [(child, holder, money(value)) for child, holder, value in grants]
    memo = str(_("Assegnazione iniziale"))
    with transaction.atomic():
        wallets = Wallet.objects.bulk_create(
            [
                Wallet(
                    child=child,
                    holder=holder,
                    call=call,
                    value=value,
                    valid_from=call.valid_from,
                    valid_until=call.valid_until,
                    created_by=actor,
                )
                for child, holder, value in rows
            ]
        )
        if wallets and wallets[0].pk is None:  # a backend that does not return ids from bulk inserts
            by_child = dict(
                Wallet.objects.filter(call=call, child__in=[c for c, _h, _v in rows]).values_list("child_id", "pk")
            )
            for wallet in wallets:
                wallet.pk = by_child[wallet.child_id]
        entries = LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    wallet=wallet,
                    kind=LedgerEntry.Kind.GRANT,
                    amount=wallet.value,
                    actor=actor,
                    idempotency_key="initial-grant",
                    memo=memo,
                )
                for wallet in wallets
            ]
        )
        log_actions(
            actor,
            f"voucher.ledger.{LedgerEntry.Kind.GRANT}",
            [
                (wallet, {"entry": entry.pk, "amount": str(wallet.value)})
                for wallet, entry in zip(wallets, entries, strict=True)
            ],
        )
    return wallets


def grant(wallet: Wallet, amount, *, actor=None, idempotency_key: str | None = None, memo: str = "") -> LedgerEntry:
    amount = money(amount)
    with transaction.atomic():
        locked = _lock(wallet.pk)
        replay = _replayed(locked.pk, idempotency_key, LedgerEntry.Kind.GRANT, amount)
        if replay:
            return replay
        _refuse_closed(locked.pk)
        return _append(locked, LedgerEntry.Kind.GRANT, amount, actor, key=idempotency_key, memo=memo)


def redeem(wallet: Wallet, amount, *, idempotency_key: str, actor=None, memo: str = "") -> LedgerEntry:
    """Spend `amount` from the wallet; the same key spends once and returns the first entry.

    Raises InvalidAmount, WalletExpired, WalletSuspended (the voucher office suspended it), WalletNotValid (outside
    its validity window), InsufficientBalance.
    """
    amount = money(amount)
    if not idempotency_key:
        raise ValueError("redeem() needs an idempotency_key")
    with transaction.atomic():
        locked = _lock(wallet.pk)
        replay = _replayed(locked.pk, idempotency_key, LedgerEntry.Kind.REDEMPTION, amount)
        if replay:
            return replay
        _refuse_unspendable(locked)
        if amount > _balance(locked.pk):
            raise InsufficientBalance()
        return _append(locked, LedgerEntry.Kind.REDEMPTION, -amount, actor, key=idempotency_key, memo=memo)


def redeem_up_to(wallet: Wallet, amount, *, idempotency_key: str, actor=None, memo: str = "") -> LedgerEntry | None:
    """Spend what the wallet holds, at most `amount` (EUR): min(balance, amount), decided under the wallet lock.

    The balance is read after the lock is taken, so two payments at once each take what is really left (the
    second pays the rest by other means) instead of one being refused for a balance read before the lock.
    Returns the redemption entry (its amount is minus what was taken), or None when the balance is zero.
    The same key returns the first entry. Raises WalletExpired, WalletSuspended or WalletNotValid like `redeem`.
    """
    amount = money(amount)
    if not idempotency_key:
        raise ValueError("redeem_up_to() needs an idempotency_key")
    with transaction.atomic():
        locked = _lock(wallet.pk)
        existing = LedgerEntry.objects.filter(wallet_id=locked.pk, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.kind != LedgerEntry.Kind.REDEMPTION or -existing.amount > amount:
                raise IdempotencyConflict()
            return existing
        _refuse_unspendable(locked)
        share = min(_balance(locked.pk), amount)
        if share <= ZERO:
            return None
        return _append(locked, LedgerEntry.Kind.REDEMPTION, -share, actor, key=idempotency_key, memo=memo)


def _correct(entry: LedgerEntry, kind: str, amount, actor, key: str | None, memo: str) -> LedgerEntry:
    with transaction.atomic():
        locked = _lock(entry.wallet_id)
        if amount is None:
            amount = -entry.amount
        amount = money(amount)
        replay = _replayed(locked.pk, key, kind, amount)
        if replay:
            return replay
        if entry.kind != LedgerEntry.Kind.REDEMPTION:
            raise NotCorrectable()
        corrected = _total(LedgerEntry.objects.filter(original=entry))
        if kind == LedgerEntry.Kind.REVERSAL and corrected:
            raise NotCorrectable(_("Questo pagamento è già stato stornato o rimborsato in parte."))
        if corrected + amount > -entry.amount:
            raise NotCorrectable()
        appended = _append(locked, kind, amount, actor, key=key, original=entry, memo=memo)
        if _is_expired(locked.pk):
            # Money that comes back to an expired voucher expires again at once: the ledger shows both facts.
            _append(locked, LedgerEntry.Kind.EXPIRY, -amount, actor, memo=str(_("Scadenza dell'importo restituito")))
        elif _is_revoked(locked.pk):
            # Likewise on a revoked voucher: the money returned goes back to the call's budget at once.
            _append(locked, LedgerEntry.Kind.REVOCATION, -amount, actor, memo=str(_("Revoca dell'importo restituito")))
        return appended


def reverse(entry: LedgerEntry, *, actor=None, idempotency_key: str | None = None, memo: str = "") -> LedgerEntry:
    """Undo a whole redemption whose payment did not go through."""
    return _correct(entry, LedgerEntry.Kind.REVERSAL, None, actor, idempotency_key or f"reversal:{entry.pk}", memo)


class ReasonRequired(VoucherError):
    code = "voucher.reason_required"
    status = 400
    default_message = _("Scrivi il motivo: resta nel registro del voucher e nella cronologia.")


def _required_reason(reason: str | None) -> str:
    """The staff's reason without surrounding spaces; ReasonRequired when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason


def reverse_with_reason(entry: LedgerEntry, *, actor, reason: str) -> LedgerEntry:
    """The voucher office takes back a whole redemption (e.g. a payment made against the call's rules).

    The reason (required, Italian free text, at most 255 characters in the ledger's memo) goes into the reversal
    entry and into an audit entry `voucher.redemption.reversed` on the wallet (who, when, why). The money returns
    to the wallet; if the redemption was already in a provider's paid statement, the reversal enters the next
    statement as a negative line (settlement). Raises ReasonRequired, NotCorrectable (not a redemption, or
    already reversed or refunded in part).
    """
    reason = _required_reason(reason)
    with transaction.atomic():
        reversal = _correct(entry, LedgerEntry.Kind.REVERSAL, None, actor, f"office-reversal:{entry.pk}", reason[:255])
        log_action(
            actor,
            "voucher.redemption.reversed",
            entry.wallet,
            {"entry": entry.pk, "reversal": reversal.pk, "amount": str(reversal.amount)},
            reason=reason,
        )
    return reversal


def refund(
    entry: LedgerEntry, amount=None, *, actor=None, idempotency_key: str | None = None, memo: str = ""
) -> LedgerEntry:
    """Give back all or part of a redemption (a cancelled order); never more than was paid."""
    return _correct(entry, LedgerEntry.Kind.REFUND, amount, actor, idempotency_key, memo)


def expire(wallet: Wallet, *, actor=None, memo: str = "") -> LedgerEntry:
    """Close the wallet: what is left is written off. Expiring twice returns the first expiry."""
    with transaction.atomic():
        locked = _lock(wallet.pk)
        existing = LedgerEntry.objects.filter(wallet=locked, idempotency_key="expiry").first()
        if existing:
            return existing
        return _append(locked, LedgerEntry.Kind.EXPIRY, -_balance(locked.pk), actor, key="expiry", memo=memo)


def revoke(wallet: Wallet, *, actor=None, memo: str = "", reason: str = "") -> LedgerEntry:
    """Take back what is left on a wallet (EUR): the amount returns to its call's budget and the wallet closes.

    Used by the voucher call's re-ranking (a voucher never used after the call's days, `reason="unused"`) and by a
    family's renunciation (`reason="renounced"`). The entry is a "revocation" of minus the balance read under the
    lock; revoking twice returns the first revocation. Raises WalletExpired on an expired wallet (its money went with
    its validity) and NothingToRevoke when the balance is zero. Money refunded later to a revoked wallet is revoked
    again at once (see `_correct`).
    """
    with transaction.atomic():
        locked = _lock(wallet.pk)
        existing = LedgerEntry.objects.filter(wallet=locked, idempotency_key="revocation").first()
        if existing:
            return existing
        if _is_expired(locked.pk):
            raise WalletExpired()
        amount = _balance(locked.pk)
        if amount <= ZERO:
            raise NothingToRevoke()
        entry = _append(locked, LedgerEntry.Kind.REVOCATION, -amount, actor, key="revocation", memo=memo)
        if reason:
            log_action(actor, "voucher.revoked", locked, {"entry": entry.pk, "reason": reason[:50]})
        return entry


def suspend(wallet: Wallet, *, actor, reason: str) -> Wallet:
    """The voucher office stops a wallet from paying (a check on the family's eligibility, a suspected misuse).

    Nothing moves in the ledger: redemptions are refused (WalletSuspended) until `restore`; grants, refunds and
    reversals still land. The reason is required; the move is in the audit trail (`voucher.wallet.suspended`,
    active → suspended). Raises ReasonRequired, VoucherError (already suspended).
    """
    reason = _required_reason(reason)
    with transaction.atomic():
        locked = _lock(wallet.pk)
        if locked.suspended_at is not None:
            raise VoucherError(_("Il voucher è già sospeso."), code="voucher.already_suspended")
        now = timezone.now()
        Wallet.objects.filter(pk=locked.pk).update(suspended_at=now, suspension_reason=reason[:255])
        log_action(actor, "voucher.wallet.suspended", locked, from_state="active", to_state="suspended", reason=reason)
    wallet.suspended_at, wallet.suspension_reason = now, reason[:255]
    return wallet


def restore(wallet: Wallet, *, actor, reason: str) -> Wallet:
    """Lift a suspension: the wallet pays again. Reason required, logged (`voucher.wallet.restored`).

    Raises ReasonRequired, VoucherError (not suspended).
    """
    reason = _required_reason(reason)
    with transaction.atomic():
        locked = _lock(wallet.pk)
        if locked.suspended_at is None:
            raise VoucherError(_("Il voucher non è sospeso."), code="voucher.not_suspended")
        Wallet.objects.filter(pk=locked.pk).update(suspended_at=None, suspension_reason="")
        log_action(actor, "voucher.wallet.restored", locked, from_state="suspended", to_state="active", reason=reason)
    wallet.suspended_at, wallet.suspension_reason = None, ""
    return wallet


def revoke_amount(wallet: Wallet, amount=None, *, actor, reason: str) -> LedgerEntry:
    """The voucher office takes back unspent money (the family lost the right to it, e.g. after an eligibility
    check); unlike `revoke`, the wallet stays open for what is left.

    amount: EUR, at most the balance read under the lock; None revokes the whole balance. A revocation entry
    (negative) with the reason as memo, and `voucher.wallet.revoked` in the audit trail with the reason.
    Raises ReasonRequired, InvalidAmount, InsufficientBalance (more than the balance, or nothing left).
    """
    reason = _required_reason(reason)
    with transaction.atomic():
        locked = _lock(wallet.pk)
        left = _balance(locked.pk)
        amount = left if amount is None else money(amount)
        if amount <= ZERO or amount > left:
            raise InsufficientBalance()
        entry = _append(locked, LedgerEntry.Kind.REVOCATION, -amount, actor, memo=reason[:255])
        log_action(actor, "voucher.wallet.revoked", locked, {"entry": entry.pk, "amount": str(-amount)}, reason=reason)
    return entry

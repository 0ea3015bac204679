"""Money of the call: the final ranking's grants, renunciations and re-ranking steps (scorrimento). Every euro moves
through `booking.vouchers` (the ledger); what the call has bound is read back from the ledger.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import vouchers
from booking.emails import family_address, notify
from booking.models import ZERO, LedgerEntry, Wallet, cents
from core.audit import log_action, log_actions
from vouchercall.models import Application, ApplicationChild, Call, Ranking, RankingEntry, RerankStep
from vouchercall.services.errors import VoucherCallError

AS = Application.State


def _fund(entry: RankingEntry, call: Call, *, actor, step: RerankStep | None = None) -> int:
    """One wallet per active child of the entry's application, through booking.vouchers; existing wallets are kept
    (so a second run grants nothing). Returns how many wallets were created."""
    application = entry.application
    existing = set(
        Wallet.objects.filter(
            call_id=call.money_call_id, child__voucher_applications__application=application
        ).values_list("child_id", flat=True)
    )
    per_child = entry.value / entry.children_count
    created = 0
    for link in application.children.filter(active=True).select_related("child"):
        if link.child_id in existing:
            continue
        vouchers.create_wallet(
            child=link.child, holder=application.guardian, call=call.money_call, value=per_child, actor=actor
        )
        created += 1
    if created:
        log_action(
            actor,
            "vouchercall.application.funded",
            application,
            {
                "ranking": entry.ranking_id,
                "position": entry.position,
                "wallets": created,
                "step": getattr(step, "number", None),
            },
        )
        notify("vouchercall_funded", family_address(application.guardian), {"application": application, "entry": entry})
    return created


def grant_final(final: Ranking, *, actor) -> int:
    """Grant the funded families of the final ranking: one wallet per funded child, once (children who already have a
    wallet of the call are skipped, so a second run grants nothing), through `booking.vouchers.create_wallets`, and an
    email to each family funded now. A constant number of queries. Returns how many wallets were created."""
    if final.kind != Ranking.Kind.FINAL:
        raise VoucherCallError(_("I voucher si assegnano dalla graduatoria definitiva."))
    with transaction.atomic():
        locked = Ranking.objects.select_for_update().select_related("call__money_call").get(pk=final.pk)
        call = locked.call
        entries = {
            entry.application_id: entry
            for entry in locked.entries.filter(
                funded=True, application__state__in=[AS.SENT, AS.TO_REGULARISE]
            ).select_related("application__guardian")
        }
        has_wallet = set(Wallet.objects.filter(call_id=call.money_call_id).values_list("child_id", flat=True))
        links = (
            ApplicationChild.objects.filter(application_id__in=list(entries), active=True)
            .exclude(child_id__in=has_wallet)
            .select_related("child")
            .order_by("application_id", "child_id")
        )
        grants, funded = [], {}
        for link in links:
            entry = entries[link.application_id]
            grants.append((link.child, entry.application.guardian, entry.value / entry.children_count))
            funded[link.application_id] = funded.get(link.application_id, 0) + 1
        vouchers.create_wallets(grants, call=call.money_call, actor=actor)
        log_actions(
            actor,
            "vouchercall.application.funded",
            [
                (entries[pk].application, {"ranking": locked.pk, "position": entries[pk].position, "wallets": n})
                for pk, n in funded.items()
            ],
        )
        for pk in funded:
            entry = entries[pk]
            notify(
                "vouchercall_funded",
                family_address(entry.application.guardian),
                {"application": entry.application, "entry": entry},
            )
        if locked.granted_at is None:
            Ranking.objects.filter(pk=locked.pk).update(granted_at=timezone.now())
        log_action(actor, "vouchercall.ranking.granted", locked, {"wallets": len(grants), "families": len(funded)})
    return len(grants)


def committed(call: Call) -> Decimal:
    """Budget (EUR) bound to the call's wallets: every grant, less what revocations gave back (read from the ledger)."""
    total = LedgerEntry.objects.filter(
        wallet__call_id=call.money_call_id, kind__in=[LedgerEntry.Kind.GRANT, LedgerEntry.Kind.REVOCATION]
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    return cents(total)


def renounce(wallet: Wallet, *, actor) -> LedgerEntry:
    """The family gives up a voucher: what is left of it is revoked at once and returns to the call's budget."""
    entry = vouchers.revoke(wallet, actor=actor, memo=_("Rinuncia della famiglia"), reason="renounced")
    log_action(actor, "vouchercall.wallet.renounced", wallet, {"amount": str(-entry.amount)})
    return entry


def rerank(call: Call, *, actor, today: datetime.date | None = None) -> RerankStep:
    """One re-ranking step (scorrimento): vouchers never used `unused_return_days` after their start are revoked
    through the ledger, then the freed budget funds the next families of the final ranking in order (same fit rule).
    Each revocation and funding is logged and the families are told. Renounced vouchers were revoked when renounced
    and their money is already free."""
    today = today or timezone.localdate()
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("money_call").get(pk=call.pk)
        final = call.rankings.filter(kind=Ranking.Kind.FINAL).first()
        if final is None or final.granted_at is None:
            raise VoucherCallError(_("Lo scorrimento parte dopo l'assegnazione della graduatoria definitiva."))
        cutoff = today - datetime.timedelta(days=call.unused_return_days)
        unused = (
            Wallet.objects.filter(call_id=call.money_call_id, valid_from__lte=cutoff)
            .exclude(
                entries__kind__in=[LedgerEntry.Kind.REDEMPTION, LedgerEntry.Kind.REVOCATION, LedgerEntry.Kind.EXPIRY]
            )
            .select_related("holder")
        )
        revoked, freed = [], ZERO
        for wallet in unused:
            entry = vouchers.revoke(wallet, actor=actor, memo=_("Voucher mai usato: torna al bando"), reason="unused")
            revoked.append(wallet.pk)
            freed -= entry.amount
            notify("vouchercall_revoked", family_address(wallet.holder), {"wallet": wallet})
        number = (call.rerank_steps.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        step = RerankStep.objects.create(
            call=call, number=number, actor=actor if getattr(actor, "pk", None) else None, freed=freed
        )
        available = call.budget - committed(call)
        funded = []
        waiting = final.entries.filter(
            funded=False, funded_by_step__isnull=True, application__state__in=[AS.SENT, AS.TO_REGULARISE]
        ).select_related("application__guardian")
        for entry in waiting.order_by("position"):
            if entry.value > available:
                if call.fit_rule == "stop":
                    break
                continue
            if _fund(entry, call, actor=actor, step=step):
                RankingEntry.objects.filter(pk=entry.pk).update(funded_by_step=step)
                available -= entry.value
                funded.append(entry.protocol)
        RerankStep.objects.filter(pk=step.pk).update(revoked_wallets=revoked, funded_protocols=funded)
        step.revoked_wallets, step.funded_protocols = revoked, funded
        log_action(
            actor,
            "vouchercall.rerank.step",
            call,
            {
                "step": number,
                "revoked": len(revoked),
                "freed": str(freed),
                "funded": funded,
                "available": str(available),
            },
        )
    return step

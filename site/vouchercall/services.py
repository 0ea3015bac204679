"""What families and the «Ufficio voucher» do with a call: apply, edit, withdraw, check ISEE, exclude and reopen,
rank, appeal, grant and re-rank. Every function takes the actor, raises `VoucherCallError` (a DomainError) on a
refusal, changes nothing when it refuses, and writes its audit entry in the same transaction.
"""

import contextlib
import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking import vouchers
from booking.emails import family_address, notify
from booking.models import ZERO, Child, LedgerEntry, Wallet, cents
from booking.validators import fiscal_code_matches_birth_date, validate_fiscal_code
from core.audit import log_action, log_actions
from core.errors import DomainError
from vouchercall import isee, ranking, rules
from vouchercall.models import Appeal, Application, ApplicationChild, Call, Ranking, RankingEntry, RerankStep
from vouchercall.transitions import transition

AS = Application.State


class VoucherCallError(DomainError):
    """A refused step of the call; `message` is Italian and safe to show."""

    code = "vouchercall.refused"
    default_message = gettext_lazy("Operazione non consentita per questo bando.")


@dataclass
class Declaration:
    """What the family declares: ISEE type, value (EUR), DSU protocol and date; minors in the household; the
    declarations the call requires (residence in Milan, truthfulness under DPR 445/2000, privacy notice read)."""

    isee_type: str
    isee_value: Decimal
    dsu_protocol: str
    isee_date: datetime.date
    minors_in_household: int
    declared_residence: bool
    declared_truthful: bool
    privacy_acknowledged: bool

    FIELDS = (
        "isee_type",
        "isee_value",
        "dsu_protocol",
        "isee_date",
        "minors_in_household",
        "declared_residence",
        "declared_truthful",
        "privacy_acknowledged",
    )


def protocol_code(call: Call, number: int) -> str:
    """`M018-<year>-<6 digits>`: a pseudonymous code, the only name a family has in the published ranking."""
    return f"M018-{call.year}-{number:06d}"


def _next_protocol(call: Call) -> str:
    """The next free code of the call; the caller holds the lock on the call row."""
    prefix = f"M018-{call.year}-"
    last = (
        Application.objects.filter(protocol__startswith=prefix).order_by("-protocol").values_list("protocol", flat=True)
    )
    number = int(last[0][len(prefix) :]) + 1 if last else 1
    return protocol_code(call, number)


def _check(call: Call, guardian, children: list[Child], declaration: Declaration, sent_on: datetime.date) -> None:
    if not children:
        raise VoucherCallError(_("Scegli almeno una figlia o un figlio per cui chiedere il voucher."))
    if not (declaration.declared_residence and declaration.declared_truthful and declaration.privacy_acknowledged):
        raise VoucherCallError(_("Per inviare la domanda servono tutte le dichiarazioni richieste dal bando."))
    refusal = rules.isee_refusal(call, declaration.isee_value)
    if refusal:
        raise VoucherCallError(refusal)
    if declaration.minors_in_household < len(children):
        raise VoucherCallError(_("I minorenni nel nucleo non possono essere meno dei figli indicati nella domanda."))
    for child in children:
        if child.guardian_id != guardian.pk:
            raise VoucherCallError(_("Puoi chiedere il voucher solo per le tue figlie e i tuoi figli."))
        try:
            validate_fiscal_code(child.fiscal_code)
        except Exception as exc:
            raise VoucherCallError(
                _("Il codice fiscale di %(name)s non è valido: correggilo nei dati dei figli.")
                % {"name": child.first_name}
            ) from exc
        if not fiscal_code_matches_birth_date(child.fiscal_code, child.birth_date):
            raise VoucherCallError(
                _("Il codice fiscale di %(name)s non corrisponde alla data di nascita.") % {"name": child.first_name}
            )
        refusal = rules.child_age_refusal(child.birth_date, sent_on)
        if refusal:
            raise VoucherCallError(f"{child.first_name}: {refusal}")


def _set_children(application: Application, children: list[Child]) -> None:
    """The application's active children become exactly `children`; a child already in another active application
    of the call is refused by name (the partial unique constraint also holds under concurrent submissions)."""
    taken = (
        ApplicationChild.objects.filter(
            call=application.call, fiscal_code__in=[child.fiscal_code for child in children], active=True
        )
        .exclude(application=application)
        .first()
    )
    if taken is not None:
        name = next(child.first_name for child in children if child.fiscal_code == taken.fiscal_code)
        raise VoucherCallError(
            _("%(name)s è già in un'altra domanda per questo bando: un figlio può essere in una sola domanda.")
            % {"name": name}
        )
    ApplicationChild.objects.filter(application=application).exclude(child__in=children).delete()
    present = set(ApplicationChild.objects.filter(application=application).values_list("child_id", flat=True))
    try:
        with transaction.atomic():
            ApplicationChild.objects.bulk_create(
                [
                    ApplicationChild(
                        application=application, call=application.call, child=child, fiscal_code=child.fiscal_code
                    )
                    for child in children
                    if child.pk not in present
                ]
            )
    except IntegrityError as exc:
        raise VoucherCallError(_("Una delle figlie o dei figli è già in un'altra domanda per questo bando.")) from exc


def check_isee(application: Application, *, actor=None, source: isee.IseeSource | None = None) -> bool:
    """Ask the ISEE source about the declaration. A mismatch (or no attestation) moves the application to
    «da regolarizzare» with a deadline (`call.regularise_days`); it is not excluded. Returns True on a match.
    A source that cannot answer (IseeSourceError) leaves the application as it is, to be checked again."""
    source = source or isee.get_source()
    answer = source.lookup(
        application.guardian.fiscal_code, application.isee_type, application.isee_date, application.protocol
    )
    ok = isee.matches(
        answer,
        value=application.isee_value,
        dsu_protocol=application.dsu_protocol,
        isee_type=application.isee_type,
    )
    Application.objects.filter(pk=application.pk).update(isee_checked="match" if ok else "mismatch")
    application.isee_checked = "match" if ok else "mismatch"
    if not ok and application.state == AS.SENT:
        deadline = timezone.localdate() + datetime.timedelta(days=application.call.regularise_days)
        transition(
            application,
            AS.TO_REGULARISE,
            actor,
            _("L'ISEE dichiarato non corrisponde a quello dell'INPS."),
            actor_label="verifica ISEE",
            regularise_by=deadline,
        )
        notify("vouchercall_regularise", family_address(application.guardian), {"application": application})
    elif ok and application.state == AS.TO_REGULARISE:
        transition(
            application, AS.SENT, actor, _("ISEE regolarizzato."), actor_label="verifica ISEE", regularise_by=None
        )
    return ok


def submit(call: Call, guardian, children: list[Child], declaration: Declaration, *, actor, now=None) -> Application:
    """Send an application: window open (Europe/Rome), eligibility checked, one per guardian, each child in one
    application only. Returns the application with its protocol code; the family gets the receipt by email."""
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if not call.is_open(now):
            raise VoucherCallError(_("Il bando non accetta domande in questo momento."))
        if Application.objects.filter(call=call, guardian=guardian).exists():
            raise VoucherCallError(_("Hai già presentato una domanda per questo bando: puoi modificarla."))
        _check(call, guardian, children, declaration, timezone.localdate(now))
        application = Application.objects.create(
            call=call,
            guardian=guardian,
            protocol=_next_protocol(call),
            sent_at=now,
            **{name: getattr(declaration, name) for name in Declaration.FIELDS},
        )
        _set_children(application, children)
        log_action(
            actor,
            "vouchercall.application.sent",
            application,
            {"protocol": application.protocol, "children": len(children)},
            to_state=AS.SENT,
        )
        notify("vouchercall_sent", family_address(guardian), {"application": application})
    _check_isee_quietly(application, actor)
    return application


def _check_isee_quietly(application: Application, actor) -> None:
    # A source that cannot answer leaves the application as sent: the office checks again from the admin.
    with contextlib.suppress(isee.IseeSourceError):
        check_isee(application, actor=actor)


def update(application: Application, children: list[Child], declaration: Declaration, *, actor, now=None):
    """Change a sent application while the window is open; the ISEE is checked again when it changed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        if not locked.call.is_open(now):
            raise VoucherCallError(_("Il bando è chiuso: la domanda non si può più modificare."))
        if not locked.is_active:
            raise VoucherCallError(
                _("Questa domanda non si può modificare: è «%(state)s».") % {"state": locked.get_state_display()}
            )
        _check(locked.call, locked.guardian, children, declaration, timezone.localdate(now))
        changed = [name for name in Declaration.FIELDS if getattr(locked, name) != getattr(declaration, name)]
        before = set(locked.children.filter(active=True).values_list("child_id", flat=True))
        for name in Declaration.FIELDS:
            setattr(locked, name, getattr(declaration, name))
        locked.save()
        _set_children(locked, children)
        if before != {child.pk for child in children}:
            changed.append("children")
        log_action(actor, "vouchercall.application.updated", locked, {"fields": changed})
    if {"isee_type", "isee_value", "dsu_protocol", "isee_date"} & set(changed):
        _check_isee_quietly(locked, actor)
    return locked


def withdraw(application: Application, *, actor) -> Application:
    """The family withdraws: its children are free again; possible until the final ranking is computed."""
    if application.call.rankings.filter(kind=Ranking.Kind.FINAL).exists():
        raise VoucherCallError(_("La graduatoria definitiva è pubblicata: puoi rinunciare ai voucher assegnati."))
    with transaction.atomic():
        transition(application, AS.WITHDRAWN, actor, _("Ritirata dalla famiglia"))
        ApplicationChild.objects.filter(application=application).update(active=False)
    return application


def exclude(application: Application, reason: str, *, actor) -> Application:
    """The office excludes an application, with a reason the family reads."""
    if not reason.strip():
        raise VoucherCallError(_("Scrivi il motivo dell'esclusione."))
    transition(application, AS.EXCLUDED, actor, reason, exclusion_reason=reason)
    notify("vouchercall_excluded", family_address(application.guardian), {"application": application})
    return application


def reopen(application: Application, reason: str, *, actor) -> Application:
    """The office reopens an excluded application (e.g. an accepted appeal)."""
    transition(application, AS.SENT, actor, reason, exclusion_reason="", regularise_by=None)
    return application


# --- Ranking -------------------------------------------------------------------------------------------------------


def candidates(call: Call) -> tuple[list[ranking.Candidate], dict[str, int]]:
    """The eligible applications of the call as ranking inputs, and application ids by protocol: two queries
    (brackets, applications with their children counted), whatever their number."""
    brackets = sorted(call.brackets.all(), key=lambda b: b.isee_up_to)
    rows = (
        Application.objects.filter(call=call, state__in=[AS.SENT, AS.TO_REGULARISE])
        .annotate(kids=Count("children", filter=Q(children__active=True)))
        .values_list("pk", "protocol", "isee_value", "minors_in_household", "kids")
    )
    found, ids = [], {}
    for pk, protocol, isee_value, minors, kids in rows.iterator(chunk_size=5000):
        per_child = next((b.value_per_child for b in brackets if isee_value <= b.isee_up_to), None)
        if per_child is None or isee_value > call.isee_ceiling or not kids:
            continue
        found.append(ranking.Candidate(protocol, isee_value, minors, per_child * kids, kids))
        ids[protocol] = pk
    return found, ids


def _changes(provisional: Ranking, outcome: ranking.Outcome) -> list[dict]:
    before = {
        protocol: (position, funded)
        for protocol, position, funded in provisional.entries.values_list("protocol", "position", "funded")
    }
    after = {line.candidate.protocol: (line.position, line.funded) for line in outcome.lines}
    changes = []
    for protocol in sorted(set(before) | set(after)):
        old, new = before.get(protocol), after.get(protocol)
        if old != new:
            changes.append(
                {
                    "protocol": protocol,
                    "from_position": old[0] if old else None,
                    "to_position": new[0] if new else None,
                    "from_funded": old[1] if old else None,
                    "to_funded": new[1] if new else None,
                }
            )
    return changes


def compute_ranking(call: Call, kind: str, *, actor, now=None) -> Ranking:
    """Compute and store the provisional or the final ranking. A constant number of queries.

    Provisional: after the window closes; draws the seed if the call has none (published with the ranking).
    Final: after the provisional's appeal window, with every appeal decided; stores the changes between the two.
    """
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("money_call").get(pk=call.pk)
        if not call.has_closed(now):
            raise VoucherCallError(_("Le domande sono ancora aperte: la graduatoria si calcola dopo la chiusura."))
        if call.rankings.filter(kind=kind).exists():
            raise VoucherCallError(_("Questa graduatoria è già stata calcolata."))
        provisional = call.rankings.filter(kind=Ranking.Kind.PROVISIONAL).first()
        if kind == Ranking.Kind.FINAL:
            if provisional is None:
                raise VoucherCallError(_("Prima serve la graduatoria provvisoria."))
            if timezone.localdate(now) <= provisional.appeal_deadline:
                raise VoucherCallError(
                    _("Il termine per i riesami scade il %(day)s.")
                    % {"day": provisional.appeal_deadline.strftime("%d/%m/%Y")}
                )
            if provisional.appeals.filter(state=Appeal.State.PENDING).exists():
                raise VoucherCallError(_("Ci sono richieste di riesame ancora da decidere."))
        # A declaration still «da regolarizzare» after its deadline leaves the call (the family was told the date).
        overdue = Application.objects.filter(
            call=call, state=AS.TO_REGULARISE, regularise_by__lt=timezone.localdate(now)
        ).select_related("guardian")
        for application in overdue:
            reason = _("ISEE non regolarizzato entro il %(day)s.") % {
                "day": application.regularise_by.strftime("%d/%m/%Y")
            }
            transition(application, AS.EXCLUDED, actor, reason, actor_label="graduatoria", exclusion_reason=reason)
            notify("vouchercall_excluded", family_address(application.guardian), {"application": application})
        if not call.draw_seed:
            call.draw_seed = secrets.token_hex(16)
            Call.objects.filter(pk=call.pk).update(draw_seed=call.draw_seed)
            log_action(actor, "vouchercall.call.seed_drawn", call, {"seed": call.draw_seed})
        found, ids = candidates(call)
        outcome = ranking.rank(
            found, seed=call.draw_seed, budget=call.budget, fit_rule=call.fit_rule, rule_version=call.rule_version
        )
        result = Ranking.objects.create(
            call=call,
            kind=kind,
            rule_version=call.rule_version,
            seed=call.draw_seed,
            budget=call.budget,
            fit_rule=call.fit_rule,
            inputs_hash=outcome.inputs_hash,
            funded_count=outcome.funded_count,
            funded_total=outcome.funded_total,
            changes=_changes(provisional, outcome) if kind == Ranking.Kind.FINAL else [],
            computed_at=now,
            computed_by=actor if getattr(actor, "pk", None) else None,
        )
        RankingEntry.objects.bulk_create(
            [
                RankingEntry(
                    ranking=result,
                    position=line.position,
                    application_id=ids[line.candidate.protocol],
                    protocol=line.candidate.protocol,
                    isee_value=line.candidate.isee,
                    minors_in_household=line.candidate.minors,
                    children_count=line.candidate.children,
                    value=line.candidate.value,
                    draw_key=line.draw_key,
                    funded=line.funded,
                )
                for line in outcome.lines
            ]
        )  # no batch size: one INSERT on PostgreSQL (client-side binding), SQLite splits by its variable limit
        log_action(
            actor,
            f"vouchercall.ranking.{kind}",
            result,
            {
                "hash": outcome.inputs_hash,
                "entries": len(outcome.lines),
                "funded": outcome.funded_count,
                "funded_total": str(outcome.funded_total),
                "changes": len(result.changes),
            },
        )
    return result


@dataclass
class Verification:
    ok: bool
    differences: list[str]


def verify(stored: Ranking) -> Verification:
    """Recompute a stored ranking from its frozen inputs and compare hash, order and funding line by line."""
    entries = list(
        stored.entries.order_by("position").values_list(
            "position", "protocol", "isee_value", "minors_in_household", "value", "children_count", "funded", "draw_key"
        )
    )
    found = [
        ranking.Candidate(p, isee_value, minors, value, kids) for _, p, isee_value, minors, value, kids, _, _ in entries
    ]
    differences = []
    try:
        outcome = ranking.rank(
            found, seed=stored.seed, budget=stored.budget, fit_rule=stored.fit_rule, rule_version=stored.rule_version
        )
    except ranking.UnknownRule:
        return Verification(False, [f"unknown rule version {stored.rule_version}"])
    if outcome.inputs_hash != stored.inputs_hash:
        differences.append(f"hash: stored {stored.inputs_hash}, recomputed {outcome.inputs_hash}")
    for line, (position, protocol, *_rest, funded, key) in zip(outcome.lines, entries, strict=True):
        if (line.position, line.candidate.protocol, line.funded, line.draw_key) != (position, protocol, funded, key):
            differences.append(
                f"position {position}: stored {protocol} funded={funded}, "
                f"recomputed {line.candidate.protocol} funded={line.funded}"
            )
    if outcome.funded_total != stored.funded_total or outcome.funded_count != stored.funded_count:
        differences.append(
            f"funded: stored {stored.funded_count} / {stored.funded_total} EUR, "
            f"recomputed {outcome.funded_count} / {outcome.funded_total} EUR"
        )
    return Verification(not differences, differences)


# --- Appeals -------------------------------------------------------------------------------------------------------


def appeal(application: Application, reason: str, document=None, *, actor, now=None) -> Appeal:
    """The family asks for a review of the provisional ranking, within the call's appeal days."""
    now = now or timezone.now()
    provisional = application.call.rankings.filter(kind=Ranking.Kind.PROVISIONAL).first()
    if provisional is None or application.call.rankings.filter(kind=Ranking.Kind.FINAL).exists():
        raise VoucherCallError(_("Il riesame si chiede sulla graduatoria provvisoria, prima della definitiva."))
    if timezone.localdate(now) > provisional.appeal_deadline:
        raise VoucherCallError(_("Il termine per chiedere il riesame è scaduto."))
    if not reason.strip():
        raise VoucherCallError(_("Scrivi perché chiedi il riesame."))
    with transaction.atomic():
        if Appeal.objects.filter(application=application, ranking=provisional).exists():
            raise VoucherCallError(_("Hai già chiesto il riesame di questa graduatoria."))
        created = Appeal.objects.create(application=application, ranking=provisional, reason=reason, document=document)
        log_action(actor, "vouchercall.appeal.pending", created, {"protocol": application.protocol}, to_state="pending")
    return created


def decide_appeal(appeal_obj: Appeal, accept: bool, reason: str, *, actor) -> Appeal:
    """The office accepts or rejects an appeal with a reason; accepting reopens an excluded application.
    Corrections of the declared data are made on the application (logged); the final ranking reads them."""
    if not reason.strip():
        raise VoucherCallError(_("Scrivi la motivazione della decisione."))
    to = Appeal.State.ACCEPTED if accept else Appeal.State.REJECTED
    with transaction.atomic():
        transition(appeal_obj, to, actor, reason, decision_reason=reason, decided_by=actor, decided_at=timezone.now())
        application = appeal_obj.application
        if accept and application.state == AS.EXCLUDED:
            reopen(application, reason, actor=actor)
    notify("vouchercall_appeal_decided", family_address(appeal_obj.application.guardian), {"appeal": appeal_obj})
    return appeal_obj


# --- Money: grants, renunciations, re-ranking ----------------------------------------------------------------------


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


# --- What a family sees --------------------------------------------------------------------------------------------


@dataclass
class Standing:
    """The family's place in a ranking: position, funded, and when not funded how far the funding line is
    (positions between it and the last funded family)."""

    ranking: Ranking
    position: int
    funded: bool
    last_funded_position: int | None
    families_between: int | None


def standing(application: Application) -> Standing | None:
    latest = application.call.rankings.filter(kind=Ranking.Kind.FINAL).first() or application.call.rankings.first()
    if latest is None:
        return None
    entry = latest.entries.filter(application=application).first()
    if entry is None:
        return None
    funded = entry.funded or entry.funded_by_step_id is not None
    last = (
        latest.entries.filter(Q(funded=True) | Q(funded_by_step__isnull=False))
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    between = None if funded or last is None else entry.position - last - 1
    return Standing(latest, entry.position, funded, last, between)

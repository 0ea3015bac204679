"""Rankings: the eligible applications ranked (provisional, then final), a stored ranking verified from its frozen
inputs, and a family's standing in the latest ranking. Rules and draw live in `vouchercall.ranking`.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.emails import family_address, notify
from core.audit import log_action
from vouchercall import ranking
from vouchercall.models import Appeal, Application, Call, Ranking, RankingEntry
from vouchercall.services.errors import VoucherCallError
from vouchercall.transitions import transition

AS = Application.State


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
    """The outcome of `verify`: ok, or the differences found (English, for the office's technical log)."""

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
    """Where the application stands in the call's latest ranking (the final one once computed), or None when no
    ranking has been computed or the application is not in it."""
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

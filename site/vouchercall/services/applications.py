"""Applications: a family sends, edits and withdraws one; the ISEE source checks it; the «Ufficio voucher» excludes
and reopens it. Every refusal raises `VoucherCallError` and changes nothing.
"""

import contextlib
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.emails import family_address, notify
from booking.models import Child
from booking.validators import fiscal_code_matches_birth_date, validate_fiscal_code
from core.audit import log_action
from vouchercall import isee, rules
from vouchercall.models import Application, ApplicationChild, Call, Ranking
from vouchercall.services.errors import VoucherCallError
from vouchercall.transitions import transition

AS = Application.State


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

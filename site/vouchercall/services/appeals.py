"""Appeals: a family asks for a review of the provisional ranking; the «Ufficio voucher» decides it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.emails import family_address, notify
from core.audit import log_action
from vouchercall.models import Appeal, Application, Ranking
from vouchercall.services.applications import reopen
from vouchercall.services.errors import VoucherCallError
from vouchercall.transitions import transition

AS = Application.State


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

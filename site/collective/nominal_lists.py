"""The nominal lists of the collective-voucher call's funded micro-projects: the children a provider lists or the
City refers, their tie to Milan, and the City's acceptance of a list.

Split from `collective.services` (issue 9: modules along the domain), whose rules hold here too: each step checks
its rule, changes the rows and writes its entry in the one audit trail (`core.audit.log_action`, actions
"collective.<object>.<what>") in one transaction; refusals raise `collective.errors.CollectiveError`.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.it import codicefiscale

from collective.errors import CollectiveError
from collective.models import MicroProject, Participant
from collective.services import is_city, provider_ids
from core.audit import log_action

MILAN = "milano"


def in_milan(comune: str) -> bool:
    """Whether a comune as typed names Milan: «Milano», «MILANO», «Milano (MI)», «Milano MI» do; «Milano Marittima»
    and «Cologno Monzese» do not."""
    words = comune.casefold().replace("(", " ").replace(")", " ").split()
    if words and words[-1] == "mi":
        words = words[:-1]
    return words == [MILAN]


def check_milan_tie(first_name: str, last_name: str, lives_in: str, school_in: str) -> None:
    """The call's target: children and young people living, domiciled or at school in Milan (seeds, «voucher
    collettivi»). Raises CollectiveError "collective.not_milan" unless `lives_in` (comune of residence or domicile)
    or `school_in` (comune of the school attended, may be empty) is Milan."""
    if not lives_in.strip():
        raise CollectiveError(
            _("Indica il comune di residenza o domicilio di %(name)s.") % {"name": f"{first_name} {last_name}"},
            code="collective.lives_in",
        )
    if not (in_milan(lives_in) or in_milan(school_in)):
        raise CollectiveError(
            _(
                "%(name)s non vive, non è domiciliato/a e non va a scuola a Milano: i voucher collettivi sono per "
                "bambini e ragazzi che vivono, sono domiciliati o vanno a scuola a Milano."
            )
            % {"name": f"{first_name} {last_name}"},
            code="collective.not_milan",
        )


def add_participant(
    project: MicroProject,
    actor,
    *,
    first_name: str,
    last_name: str,
    fiscal_code: str,
    lives_in: str,
    school_in: str = "",
    referrer=None,
):
    """A child on the nominal list: the provider adds its own; only City staff add a referred child (`referrer`).
    `lives_in`/`school_in`: the comune of residence or domicile and of the school; one of them must be Milan
    (`check_milan_tie`)."""
    project = MicroProject.objects.select_related("application").get(pk=project.pk)
    if project.funding != MicroProject.Funding.FUNDED or project.list_accepted_at:
        raise CollectiveError(_("L'elenco nominativo non è modificabile."), code="collective.list_closed")
    if referrer is not None and not is_city(actor):
        raise CollectiveError(_("Solo il Comune registra le segnalazioni."), code="collective.city_only")
    if referrer is None and project.application.provider_id not in provider_ids(actor):
        raise CollectiveError(_("Solo l'ente della proposta compila l'elenco."), code="collective.provider")
    code = fiscal_code.strip().upper()
    if not codicefiscale.is_valid(code):
        raise CollectiveError(_("Codice fiscale non valido."), code="collective.fiscal_code")
    check_milan_tie(first_name, last_name, lives_in, school_in)
    if project.participants.filter(fiscal_code=code).exists():
        raise CollectiveError(_("Questo partecipante è già in elenco."), code="collective.duplicate")
    with transaction.atomic():
        participant = Participant.objects.create(
            project=project,
            first_name=first_name,
            last_name=last_name,
            fiscal_code=code,
            referrer=referrer,
            lives_in=lives_in.strip(),
            school_in=school_in.strip(),
        )
        log_action(
            actor, "collective.participant.added", participant, {"project": project.pk, "referred": bool(referrer)}
        )
    return participant


def _age(fiscal_code: str, on: datetime.date) -> int:
    born = codicefiscale.get_birth_date(fiscal_code)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def accept_list(project: MicroProject, actor, *, exception: str = "") -> MicroProject:
    """City staff accept the nominal list: every child within the project's ages at its start and tied to Milan
    (`check_milan_tie`), and referred
    children at least the project's reserved places — unless the City records in `exception` why they could not
    be found."""
    if not is_city(actor):
        raise CollectiveError(_("Solo il Comune accetta l'elenco nominativo."), code="collective.city_only")
    with transaction.atomic():
        project = MicroProject.objects.select_for_update().get(pk=project.pk)
        if project.funding != MicroProject.Funding.FUNDED or project.list_accepted_at:
            raise CollectiveError(_("L'elenco nominativo non è da accettare."), code="collective.list_closed")
        participants = list(project.participants.all())
        if not participants:
            raise CollectiveError(_("L'elenco nominativo è vuoto."), code="collective.list_empty")
        too_old = [
            p for p in participants if not project.age_min <= _age(p.fiscal_code, project.starts_on) <= project.age_max
        ]
        if too_old:
            raise CollectiveError(
                _("%(n)s partecipanti non hanno l'età prevista dalla proposta.") % {"n": len(too_old)},
                code="collective.list_ages",
            )
        outside = [p for p in participants if not (in_milan(p.lives_in) or in_milan(p.school_in))]
        if outside:
            raise CollectiveError(
                _("%(n)s partecipanti non risultano vivere, essere domiciliati o andare a scuola a Milano.")
                % {"n": len(outside)},
                code="collective.not_milan",
            )
        referred = sum(1 for p in participants if p.reserved)
        if referred < project.reserved_places and not exception.strip():
            raise CollectiveError(
                _("Posti riservati occupati: %(n)s su %(m)s. L'elenco si accetta solo con la quota raggiunta o con il "
                  "motivo scritto del Comune.") % {"n": referred, "m": project.reserved_places},
                code="collective.reserved_share",
            )  # fmt: skip
        project.list_accepted_at = timezone.now()
        project.list_exception = exception.strip() if referred < project.reserved_places else ""
        project.save(update_fields=["list_accepted_at", "list_exception"])
        log_action(
            actor, "collective.list.accepted", project, {"participants": len(participants), "referred": referred},
            reason=project.list_exception,
        )  # fmt: skip
    return project

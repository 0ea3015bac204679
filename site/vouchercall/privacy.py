"""The family's export (booking.privacy.family_data) and erasure (erase_family) reach the voucher call's data here.

Export: every application of the family with its declarations, ISEE (the family's own), children, positions in the
published rankings and appeals.

What goes: the children's codici fiscali in the applications, the DSU protocol, the appeals' reasons and documents.
What stays, anonymised by the family's own erasure (names and codes are gone from Guardian and Child): the application
with its protocol code, ISEE value and minors, because they are the inputs of published rankings that anyone must be
able to recompute (`verify_ranking`) and of the grants paid from public money (GDPR art. 17(3)(b)).
"""

from vouchercall.models import Appeal, Application, ApplicationChild, RankingEntry

ERASED_DSU = "INPS-ISEE-0000-000000000-00"


def erase_applications(guardian_id: int) -> dict[str, int]:
    applications = Application.objects.filter(guardian_id=guardian_id)
    links = ApplicationChild.objects.filter(application__in=applications)
    for link_id in links.values_list("pk", flat=True):
        ApplicationChild.objects.filter(pk=link_id).update(fiscal_code=f"ANON{link_id:012d}"[:16])
    appeals = Appeal.objects.filter(application__in=applications)
    for appeal in appeals.exclude(document=""):
        appeal.document.delete(save=False)
    appeals.update(reason="", document="")
    return {
        "voucher_applications": applications.update(dsu_protocol=ERASED_DSU),
        "voucher_appeals": appeals.count(),
    }


def export_applications(guardian) -> list[dict]:
    """The family's applications as JSON-able dicts (dates ISO 8601, amounts in EUR as strings)."""
    applications = (
        Application.objects.filter(guardian=guardian)
        .select_related("call")
        .prefetch_related("children__child", "appeals")
        .order_by("sent_at", "pk")
    )
    positions: dict[int, list[dict]] = {}
    entries = RankingEntry.objects.filter(application__guardian=guardian).select_related("ranking")
    for entry in entries.order_by("ranking_id"):
        positions.setdefault(entry.application_id, []).append(
            {
                "ranking": str(entry.ranking),
                "position": entry.position,
                "funded": entry.funded,
                "value": str(entry.value),
            }
        )
    return [
        {
            "call": str(application.call),
            "protocol": application.protocol,
            "state": application.state,
            "sent_at": application.sent_at.isoformat(),
            "isee_type": application.isee_type,
            "isee_value": str(application.isee_value),
            "dsu_protocol": application.dsu_protocol,
            "isee_date": application.isee_date.isoformat(),
            "minors_in_household": application.minors_in_household,
            "declared_residence": application.declared_residence,
            "declared_truthful": application.declared_truthful,
            "children": [
                {"first_name": link.child.first_name, "fiscal_code": link.fiscal_code, "active": link.active}
                for link in application.children.all()
            ],
            "rankings": positions.get(application.pk, []),
            "appeals": [
                {"reason": appeal.reason, "state": appeal.state, "decision_reason": appeal.decision_reason}
                for appeal in application.appeals.all()
            ],
        }
        for application in applications
    ]

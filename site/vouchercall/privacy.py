"""The family's erasure (booking.privacy.erase_family) reaches the voucher call's data through this eraser.

What goes: the children's codici fiscali in the applications, the DSU protocol, the appeals' reasons and documents.
What stays, anonymised by the family's own erasure (names and codes are gone from Guardian and Child): the application
with its protocol code, ISEE value and minors, because they are the inputs of published rankings that anyone must be
able to recompute (`verify_ranking`) and of the grants paid from public money (GDPR art. 17(3)(b)).
"""

from vouchercall.models import Appeal, Application, ApplicationChild

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

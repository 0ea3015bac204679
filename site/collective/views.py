"""The public result of a collective-voucher call: funded micro-projects (provider, title, score, amount)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from collective.models import CollectiveCall, MicroProject


def results(request, code: str):
    """Published results only (404 before): no participant, score line or referral ever reaches this page."""
    call = get_object_or_404(CollectiveCall, code=code)
    if not call.results_published:
        raise Http404
    funded = (
        MicroProject.objects.filter(application__call=call, funding=MicroProject.Funding.FUNDED)
        .select_related("application__provider")
        .order_by("-final_score", "pk")
    )
    return TemplateResponse(request, "collective/results.html", {"call": call, "funded": funded})

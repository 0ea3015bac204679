"""The family's data in the family area: download it (JSON, printable page) and erase it (see booking.privacy)."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from booking import privacy
from booking.models import Guardian
from core.audit import log_action
from core.errors import DomainError
from core.http import attachment


def _guardian(request) -> Guardian:
    guardian = Guardian.objects.filter(user=request.user).first()
    if guardian is None:
        raise Http404
    return guardian


def _exported_data(request, fmt: str) -> dict:
    """The signed-in family's data (`privacy.family_data`); the export is logged in the audit trail with its format."""
    guardian = _guardian(request)
    data = privacy.family_data(guardian)
    log_action(request.user, "privacy.export", guardian, {"format": fmt})
    return data


@never_cache
@login_required
def data_download(request):
    """The family's data as a JSON file (GDPR art. 20, portability)."""
    data = _exported_data(request, "json")
    return attachment(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        "application/json; charset=utf-8",
        "milano018-dati-famiglia.json",
    )


@never_cache
@login_required
def data_page(request):
    """The same data as a printable page (GDPR art. 15, access)."""
    return render(request, "booking/privacy/data.html", {"data": _exported_data(request, "html")})


@never_cache
@login_required
def erasure(request):
    """What erasure removes and keeps; on confirmation, erase and sign out (GDPR art. 17)."""
    guardian = _guardian(request)
    blocking = privacy.open_items(guardian)
    error = None
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = _("Per cancellare i dati spunta la casella di conferma.")
        else:
            try:
                privacy.erase_family(guardian, actor=request.user)
            except DomainError as refused:
                error = refused.message
            else:
                logout(request)
                messages.success(
                    request, _("I tuoi dati personali sono stati cancellati. Grazie per aver usato Milano 0.18.")
                )
                return redirect("/")
    context = {"blocking": blocking, "error": error}
    return render(request, "booking/privacy/erasure.html", context, status=400 if error else 200)

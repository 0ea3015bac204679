"""The public application form of the Elenco Milano 0-18."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog.constants import ApplicationStatus
from catalog.forms import RegisterApplicationForm
from core.audit import log_action


def register_apply(request):
    if request.method == "POST":
        form = RegisterApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            with transaction.atomic():
                application = form.save()
                log_action(
                    None,
                    "catalog.application.submitted",
                    application,
                    to_state=ApplicationStatus.SUBMITTED,
                    actor_label="richiedente",
                )
            return redirect("catalog:register_sent")
        messages.error(
            request,
            _(
                "La domanda non è stata inviata: correggi i campi segnalati. I dati inseriti sono stati conservati, "
                "ma per sicurezza i file PDF allegati vanno selezionati di nuovo."
            ),
        )
    else:
        form = RegisterApplicationForm()
    return render(request, "catalog/register/apply.html", {"form": form})


def register_sent(request):
    return render(request, "catalog/register/sent.html")

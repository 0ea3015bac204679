"""The public application form of the Elenco Milano 0-18, open only during its call's submission windows."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog import register
from catalog.forms import RegisterApplicationForm
from catalog.models import RegisterApplication
from catalog.register_call import current_register_call

RECEIPT_SESSION_KEY = "catalog_register_receipt"


def _closed(request, call, status=200):
    return render(request, "catalog/register/closed.html", {"call": call}, status=status)


def register_apply(request):
    """GET: the form while a window of the register's call is open, else when the next one opens. POST: store
    the application (`catalog.register.submit`) and show its receipt; outside a window nothing is stored."""
    call = current_register_call()
    if call is None or not call.is_open:
        return _closed(request, call)
    if request.method == "POST":
        form = RegisterApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                application = register.submit(form, call)
            except ValidationError:
                return _closed(request, current_register_call())
            request.session[RECEIPT_SESSION_KEY] = application.pk
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
    return render(request, "catalog/register/apply.html", {"form": form, "call": call})


def register_sent(request):
    """The receipt of the application this browser just sent (kept in its session); the form otherwise."""
    application = (
        RegisterApplication.objects.filter(pk=request.session.get(RECEIPT_SESSION_KEY))
        .prefetch_related("categories", "attachments")
        .first()
    )
    if application is None:
        return redirect("catalog:register_apply")
    return render(request, "catalog/register/sent.html", {"application": application})

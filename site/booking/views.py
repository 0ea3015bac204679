"""The family area: profile, children and vouchers, always scoped to the signed-in user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from booking.family_views import counters, paginate
from booking.forms import ChildForm, GuardianForm
from booking.models import Child, Guardian, LedgerEntry, Wallet


def _guardian(request) -> Guardian | None:
    return Guardian.objects.filter(user=request.user).first()


def _wallets(guardian: Guardian):
    return Wallet.objects.with_balance().filter(holder=guardian).select_related("call", "child")


@never_cache
@login_required
def family(request):
    guardian = _guardian(request)
    if guardian is None:
        messages.info(request, _("Per iniziare completa i dati del tuo profilo."))
        return redirect("booking:profile")
    context = {
        "guardian": guardian,
        "children": guardian.children.all(),
        "wallets": _wallets(guardian),
        **counters(guardian),
    }
    return render(request, "booking/family.html", context)


@never_cache
@login_required
def profile(request):
    guardian = _guardian(request) or Guardian(user=request.user, email=request.user.email)
    form = GuardianForm(request.POST or None, instance=guardian)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profilo salvato."))
        return redirect("booking:family")
    return render(request, "booking/profile_form.html", {"form": form, "guardian": guardian})


@never_cache
@login_required
def child_edit(request, pk: int | None = None):
    guardian = _guardian(request)
    if guardian is None:
        return redirect("booking:profile")
    child = get_object_or_404(Child, pk=pk, guardian=guardian) if pk else None
    form = ChildForm(request.POST or None, instance=child, guardian=guardian)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dati di %(name)s salvati.") % {"name": form.instance.first_name})
        return redirect("booking:family")
    return render(request, "booking/child_form.html", {"form": form, "child": child})


@never_cache
@login_required
def wallet_detail(request, pk: int):
    guardian = _guardian(request)
    wallet = get_object_or_404(_wallets(guardian) if guardian else Wallet.objects.none(), pk=pk)
    listing = paginate(request, LedgerEntry.objects.filter(wallet=wallet).order_by("-created_at", "-pk"))
    return render(
        request, "booking/wallet_detail.html", {"wallet": wallet, "entries": listing["page"], "query": listing["query"]}
    )

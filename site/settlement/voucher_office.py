"""«Ufficio voucher»: find a wallet, read its ledger and orders, suspend and restore it, revoke its balance,
reverse a redemption; every action with a reason.

Only users with `settlement.manage_vouchers` (the «Ufficio voucher» group; staff, not superusers) get here.
Every page that shows a codice fiscale logs the read (`core.audit.log_sensitive_read(s)`, one entry per person
shown). Money moves only through `booking.vouchers`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from booking import marketplace, vouchers
from booking.forms import CancellationAnswerForm
from booking.models import Cancellation, LedgerEntry, Order, Wallet
from booking.validators import normalise_fiscal_code
from core.audit import history_for, log_sensitive_read, log_sensitive_reads
from core.errors import DomainError
from settlement import access
from settlement.forms import ReasonForm, WalletSearchForm
from settlement.models import StatementLine
from theme.input import parse_id

MAX_RESULTS = 50


def _require(user) -> None:
    if not access.manages_vouchers(user):
        raise PermissionDenied


def find_wallets(text: str):
    """Wallets matching a protocol code (`booking.vouchers.wallet_code`) or a child's or holder's codice fiscale."""
    wallet = vouchers.find_by_code(text)
    if wallet is not None:
        return Wallet.objects.filter(pk=wallet.pk)
    code = normalise_fiscal_code(text)
    if len(code) != 16:
        return Wallet.objects.none()
    return Wallet.objects.filter(Q(child__fiscal_code=code) | Q(holder__fiscal_code=code))


def search(request):
    _require(request.user)
    form = WalletSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = list(
            find_wallets(form.cleaned_data["q"])
            .with_balance()
            .select_related("call", "child", "holder")
            .order_by("-created_at")[:MAX_RESULTS]
        )
        # The listing shows children's and holders' codici fiscali: one logged read per person shown.
        log_sensitive_reads(request.user, {w.child for w in results}, ["fiscal_code"], via="settlement_voucher_search")
        log_sensitive_reads(request.user, {w.holder for w in results}, ["fiscal_code"], via="settlement_voucher_search")
    return TemplateResponse(request, "settlement/voucher_search.html", {"form": form, "results": results})


def wallet_detail(request, pk: int):
    _require(request.user)
    wallet = get_object_or_404(Wallet.objects.with_balance().select_related("call", "child", "holder"), pk=pk)
    reason_form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if reason_form.is_valid():
            reason = reason_form.cleaned_data["reason"]
            try:
                if action == "reverse":
                    entry = get_object_or_404(
                        LedgerEntry, pk=parse_id(request.POST.get("entry")), wallet=wallet, kind="redemption"
                    )
                    vouchers.reverse_with_reason(entry, actor=request.user, reason=reason)
                    messages.success(request, _("Pagamento stornato: l'importo è tornato sul voucher."))
                elif action == "suspend":
                    vouchers.suspend(wallet, actor=request.user, reason=reason)
                    messages.success(request, _("Voucher sospeso: non può pagare finché non lo riattivi."))
                elif action == "restore":
                    vouchers.restore(wallet, actor=request.user, reason=reason)
                    messages.success(request, _("Voucher riattivato."))
                elif action == "revoke":
                    vouchers.revoke_amount(wallet, actor=request.user, reason=reason)
                    messages.success(request, _("Saldo revocato."))
                else:
                    raise PermissionDenied
            except DomainError as error:
                messages.error(request, error.message)
            return redirect("settlement_voucher_wallet", pk=pk)
        messages.error(request, _("Scrivi il motivo."))
    corrected = LedgerEntry.objects.filter(original=OuterRef("pk"))
    entries = (
        wallet.entries.select_related("actor")
        .annotate(corrected=Exists(corrected), stated=Exists(StatementLine.objects.filter(entry=OuterRef("pk"))))
        .order_by("created_at", "pk")
    )
    orders = (
        Order.objects.filter(payments__ledger_entry__wallet=wallet)
        .distinct()
        .select_related("provider", "quote__request__service")
    )
    log_sensitive_read(request.user, wallet.child, ["fiscal_code", "birth_date"], via="settlement_voucher_wallet")
    log_sensitive_read(request.user, wallet.holder, ["fiscal_code"], via="settlement_voucher_wallet")
    return TemplateResponse(
        request,
        "settlement/voucher_wallet.html",
        {
            "wallet": wallet,
            "code": vouchers.wallet_code(wallet),
            "entries": entries,
            "orders": orders,
            "reason_form": reason_form,
            "history": history_for(wallet).exclude(action="sensitive.read"),
        },
    )


def disputes(request):
    """«Ufficio voucher» decides the cancellations a family disputed after the provider's refusal, and sees the
    parts paid at a provider or by bank transfer still unconfirmed after their deadline (flagged daily by
    `expire_bookings`). A decision (cancel or keep, reason required) goes through `booking.marketplace.decide_dispute`:
    the voucher part returns through the ledger."""
    _require(request.user)
    if request.method == "POST":
        cancellation = get_object_or_404(
            Cancellation, pk=parse_id(request.POST.get("cancellation", "")), state=Cancellation.State.DISPUTED
        )
        form = CancellationAnswerForm(request.POST)
        if form.is_valid():
            cancel = request.POST.get("decision") == "accept"
            try:
                marketplace.decide_dispute(
                    cancellation,
                    cancel=cancel,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    refund_reference=form.cleaned_data["refund_reference"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Acquisto annullato: il voucher è stato rimborsato.") if cancel else _("Acquisto confermato."),
                )
        return redirect("settlement_voucher_disputes")
    disputed = (
        Cancellation.objects.filter(state=Cancellation.State.DISPUTED)
        .select_related("order__provider", "order__quote__request__service")
        .order_by("state_changed_at", "pk")[:MAX_RESULTS]
    )
    overdue = (
        marketplace.overdue_payments()
        .select_related("order__provider", "order__quote__request__service")
        .order_by("due_by", "pk")[:MAX_RESULTS]
    )
    return TemplateResponse(
        request,
        "settlement/voucher_disputes.html",
        {"disputed": disputed, "overdue": overdue, "form": CancellationAnswerForm()},
    )

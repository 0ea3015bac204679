"""The family's orders: the list, an order's page, paying it (voucher and remainder), cancelling it, asking or
disputing a cancellation, and rating it.

Split from `booking.family_views` (issue 9: modules along the domain); the shared helpers (`family_view`,
`_guardian_or_404`, `paginate`, `counters`, `_filtered`) stay there. Every order is looked up through the
signed-in guardian, so another family's id answers 404.
"""

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking import marketplace
from booking.family_views import _filtered, _guardian_or_404, counters, family_view, paginate
from booking.forms import CancellationAskForm, DisputeForm, PayForm, RatingForm, RequestFilterForm
from booking.models import ZERO, Cancellation, Order, Payment, Rating
from core.audit import history_for
from core.errors import DomainError, act


def _own_orders(guardian):
    return Order.objects.filter(guardian=guardian).select_related(
        "quote__request__service", "quote__request__child", "provider", "rating"
    )


@family_view
def order_list(request):
    guardian = _guardian_or_404(request)
    form = RequestFilterForm(request.GET or None, states=Order.State.choices)
    listing = paginate(request, _filtered(_own_orders(guardian), form, "created_at"))
    context = {"orders": listing["page"], "query": listing["query"], "form": form, **counters(guardian)}
    return render(request, "booking/order_list.html", context)


def _voucher_max(order: Order):
    """min(balance, price) of the wallet that can pay this order today, or None without one."""
    wallet = marketplace.usable_wallet(order) if order.state == Order.State.AWAITING_PAYMENT else None
    return wallet, (min(wallet.balance, order.price) if wallet else None)


def _order_context(request, order: Order, **forms) -> dict:
    wallet, voucher_max = _voucher_max(order)
    pay_form = forms.pop("pay_form", None) or PayForm(
        initial={"attempt_key": uuid.uuid4().hex, "voucher_amount": voucher_max},
        price=order.price,
        voucher_max=voucher_max,
    )
    cancellation = Cancellation.objects.filter(order=order).first()
    return {
        "order": order,
        "req": order.quote.request,
        "wallet": wallet,
        "voucher_max": voucher_max,
        "pay_form": pay_form,
        "rating_form": RatingForm(),
        "rating": Rating.objects.filter(order=order).first(),
        "payments": order.payments.all(),
        "voucher_paid": order.voucher_paid(),
        "provider_paid": order.provider_paid(),
        "provider_pending": order.provider_pending(),
        "cancellation": cancellation,
        "ask_form": forms.pop("ask_form", None) or CancellationAskForm(),
        "dispute_form": forms.pop("dispute_form", None) or DisputeForm(),
        "history": history_for(order, states_only=True),
    }


@family_view
def order_detail(request, pk: int):
    guardian = _guardian_or_404(request)
    order = get_object_or_404(_own_orders(guardian), pk=pk)
    return render(request, "booking/order_detail.html", _order_context(request, order))


@require_POST
@family_view
def order_pay(request, pk: int):
    """Two steps on one URL: the choice (voucher amount, method) is shown back with the remainder
    (`order_pay_review.html`); only the post with `confirm` pays. An invalid choice re-renders the order page with
    the errors next to the fields; nothing is written before the confirmation."""
    guardian = _guardian_or_404(request)
    order = get_object_or_404(_own_orders(guardian), pk=pk)
    _wallet, voucher_max = _voucher_max(order)
    form = PayForm(request.POST, price=order.price, voucher_max=voucher_max)
    confirming = bool(request.POST.get("confirm"))
    # A confirmation sent twice (a double click) reaches `pay`, which replays its attempt key as a no-op.
    if order.state != Order.State.AWAITING_PAYMENT and not confirming:
        messages.error(request, _("Questo acquisto non è da pagare."))
        return redirect("booking:order", pk=pk)
    if not form.is_valid():
        return render(request, "booking/order_detail.html", _order_context(request, order, pay_form=form))
    voucher_amount = form.cleaned_data.get("voucher_amount", ZERO) if voucher_max is not None else ZERO
    method = form.cleaned_data["method"]
    if not confirming:
        return render(
            request,
            "booking/order_pay_review.html",
            {
                "order": order,
                "req": order.quote.request,
                "form": form,
                "voucher_amount": voucher_amount,
                "remainder": form.remainder(),
                "method_label": dict(form.fields["method"].choices).get(method, ""),
                "pending": method in Payment.CONFIRMED_BY_PROVIDER,
                "due_by": marketplace.confirmation_deadline(timezone.localdate()),
            },
        )
    try:
        order = marketplace.pay(
            order,
            method=method,
            attempt_key=form.cleaned_data["attempt_key"],
            actor=request.user,
            voucher_amount=voucher_amount,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if order.state == Order.State.PAID:
            messages.success(request, _("Pagamento completato."))
        elif order.state == Order.State.PAYMENT_PENDING:
            messages.success(
                request,
                _(
                    "Pagamento registrato. L'acquisto risulterà pagato quando l'ente confermerà di aver ricevuto "
                    "%(amount)s €."
                )
                % {"amount": formats.localize(order.provider_pending())},
            )
        else:
            messages.error(
                request, _("Il pagamento non è andato a buon fine: il voucher non è stato usato. Puoi riprovare.")
            )
    return redirect("booking:order", pk=pk)


@require_POST
@family_view
def order_cancel(request, pk: int):
    """Cancel an order nothing of which is paid yet; a paid one needs the provider's agreement (`order_cancel_ask`)."""
    guardian = _guardian_or_404(request)
    order = get_object_or_404(Order, pk=pk, guardian=guardian)
    act(request, lambda: marketplace.cancel_order(order, actor=request.user), _("Acquisto annullato."))
    return redirect("booking:order", pk=pk)


def _with_reason(request, order, form, form_name: str, step, success: str):
    """Run `step(reason)` with the reason the family wrote in `form`: back to the order when it went through,
    otherwise the order page again with the form (as `form_name`), its errors or the refusal's message."""
    if form.is_valid() and act(request, lambda: step(form.cleaned_data["reason"]), success) is not None:
        return redirect("booking:order", pk=order.pk)
    return render(request, "booking/order_detail.html", _order_context(request, order, **{form_name: form}))


@require_POST
@family_view
def order_cancel_ask(request, pk: int):
    """Ask the provider to cancel a paid order, with a reason; errors re-render the order page."""
    guardian = _guardian_or_404(request)
    order = get_object_or_404(_own_orders(guardian), pk=pk)
    return _with_reason(
        request,
        order,
        CancellationAskForm(request.POST),
        "ask_form",
        lambda reason: marketplace.ask_cancellation(order, actor=request.user, reason=reason),
        _("Richiesta di annullamento inviata all'ente: ti scriviamo quando risponde."),
    )


@require_POST
@family_view
def order_cancel_dispute(request, pk: int):
    """Take the provider's refusal to cancel to the City, with a reason."""
    guardian = _guardian_or_404(request)
    order = get_object_or_404(_own_orders(guardian), pk=pk)
    cancellation = get_object_or_404(Cancellation, order=order)
    return _with_reason(
        request,
        order,
        DisputeForm(request.POST),
        "dispute_form",
        lambda reason: marketplace.dispute_cancellation(cancellation, actor=request.user, reason=reason),
        _("La tua contestazione è arrivata all'Ufficio voucher del Comune, che deciderà."),
    )


@require_POST
@family_view
def order_rate(request, pk: int):
    guardian = _guardian_or_404(request)
    order = get_object_or_404(Order, pk=pk, guardian=guardian)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indica un punteggio da 1 a 5 per ogni voce."))
        return redirect("booking:order", pk=pk)
    act(
        request,
        lambda: marketplace.rate(order, actor=request.user, **form.cleaned_data),
        _("Grazie per il tuo giudizio."),
    )
    return redirect("booking:order", pk=pk)

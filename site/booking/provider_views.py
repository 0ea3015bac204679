"""The providers' side in the Wagtail admin: their requests only, quotes, declines, messages, completion, replies.

A provider user sees the requests of the providers whose own group they belong to (the group the register
approval created and tied to the provider page); City staff with `booking.change_rating` moderate rating comments.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from booking import marketplace
from booking.forms import (
    CancellationAnswerForm,
    ConfirmPaymentForm,
    DeclineForm,
    MessageForm,
    QuoteForm,
    ReplyForm,
    RequestFilterForm,
)
from booking.models import Cancellation, Message, Order, Payment, Quote, Rating, ServiceRequest
from catalog.facts import providers_for_user, service_titles
from config.private_files import private_file_response
from core.admin_views import history_url
from core.audit import history_for, log_sensitive_read
from core.errors import act
from theme.input import parse_id

REQUESTS_PER_PAGE = 50


def provider_ids(user) -> list[int]:
    """The ids of the providers this user works for (`catalog.facts.providers_for_user`: by their own group;
    superusers: every provider)."""
    return [provider.id for provider in providers_for_user(user)]


def visible_requests(user):
    return ServiceRequest.objects.filter(provider_id__in=provider_ids(user))


def request_list(request):
    providers = provider_ids(request.user)
    if not providers:
        raise PermissionDenied
    form = RequestFilterForm(request.GET or None, states=ServiceRequest.State.choices)
    services = service_titles(providers)
    service_id = request.GET.get("servizio", "")
    unread = Message.objects.filter(request=OuterRef("pk"), from_family=True, read_at__isnull=True)
    requests = (
        ServiceRequest.objects.filter(provider_id__in=providers)
        .select_related("service", "child", "guardian", "provider")
        .annotate(unread=Exists(unread))
    )
    if form.is_valid():
        if form.cleaned_data["state"]:
            requests = requests.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["since"]:
            requests = requests.filter(created_at__date__gte=form.cleaned_data["since"])
    if parse_id(service_id):
        requests = requests.filter(service_id=parse_id(service_id))
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "booking/admin/request_list.html",
        {
            "requests": Paginator(requests.order_by("-created_at", "-pk"), REQUESTS_PER_PAGE).get_page(
                request.GET.get("p")
            ),
            "query": query.urlencode(),
            "form": form,
            "services": services,
            "service_id": service_id,
        },
    )


def request_detail(request, pk: int):
    service_request = get_object_or_404(
        visible_requests(request.user).select_related("service", "child", "guardian", "provider"), pk=pk
    )
    quote = Quote.objects.filter(request=service_request).first()
    order = Order.objects.filter(quote=quote).first() if quote else None
    rating = Rating.objects.filter(order=order).first() if order else None
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "quote_form": QuoteForm(request.POST if action == "quote" else None),
        "decline_form": DeclineForm(request.POST if action == "decline" else None),
        "message_form": MessageForm(
            request.POST if action == "message" else None, request.FILES if action == "message" else None
        ),
        "reply_form": ReplyForm(request.POST if action == "reply" else None),
        "confirm_form": ConfirmPaymentForm(request.POST if action == "confirm_payment" else None),
        "cancellation_form": CancellationAnswerForm(request.POST if action == "cancellation" else None),
    }
    cancellation = Cancellation.objects.filter(order=order).first() if order else None
    actor = request.user
    if action == "quote" and forms["quote_form"].is_valid():
        act(
            request,
            lambda: marketplace.offer_quote(service_request, actor=actor, **forms["quote_form"].cleaned_data),
            _("Preventivo inviato."),
        )
        return redirect("booking_provider_request", pk=pk)
    if action == "decline" and forms["decline_form"].is_valid():
        reason = forms["decline_form"].cleaned_data["reason"]
        act(
            request, lambda: marketplace.decline(service_request, actor=actor, reason=reason), _("Richiesta rifiutata.")
        )
        return redirect("booking_provider_request", pk=pk)
    if action == "message" and forms["message_form"].is_valid():
        data = forms["message_form"].cleaned_data
        marketplace.post_message(
            service_request, sender=actor, from_family=False, body=data["body"], attachment=data["attachment"]
        )
        messages.success(request, _("Messaggio inviato."))
        return redirect("booking_provider_request", pk=pk)
    if action == "complete" and order:
        act(request, lambda: marketplace.complete_order(order, actor=actor), _("Servizio segnato come concluso."))
        return redirect("booking_provider_request", pk=pk)
    if action == "confirm_payment" and order and forms["confirm_form"].is_valid():
        payment = get_object_or_404(Payment, order=order, pk=parse_id(request.POST.get("payment", "")))
        reference = forms["confirm_form"].cleaned_data["reference"]
        act(
            request,
            lambda: marketplace.confirm_payment(payment, actor=actor, reference=reference),
            _("Pagamento confermato."),
        )
        return redirect("booking_provider_request", pk=pk)
    if action == "cancellation" and cancellation and forms["cancellation_form"].is_valid():
        data, accept = forms["cancellation_form"].cleaned_data, request.POST.get("decision") == "accept"
        act(
            request,
            lambda: marketplace.answer_cancellation(
                cancellation,
                accept=accept,
                actor=actor,
                reason=data["reason"],
                refund_reference=data["refund_reference"],
            ),
            _("Annullamento accettato: il voucher è stato rimborsato.") if accept else _("Annullamento rifiutato."),
        )
        return redirect("booking_provider_request", pk=pk)
    if action == "reply" and rating and forms["reply_form"].is_valid():
        text = forms["reply_form"].cleaned_data["text"]
        act(request, lambda: marketplace.reply(rating, text=text, actor=actor), _("Risposta pubblicata."))
        return redirect("booking_provider_request", pk=pk)
    thread = list(service_request.messages.select_related("sender"))
    marketplace.mark_read(service_request, reader_is_family=False)
    # The page shows the child's birth date: a read of personal data to account for (issue 18 item 7).
    log_sensitive_read(
        request.user, service_request.child, ["birth_date"], via="booking_provider_request", request=service_request.pk
    )
    return TemplateResponse(
        request,
        "booking/admin/request_detail.html",
        {
            "req": service_request,
            "quote": quote,
            "order": order,
            "payments": order.payments.all() if order else [],
            "cancellation": cancellation,
            "rating": rating,
            "thread": thread,
            "history": history_for(service_request, states_only=True),
            "audit_links": _audit_links(request.user, [service_request, quote, order, cancellation]),
            **forms,
        },
    )


def _audit_links(user, objects) -> list[tuple[str, str]]:
    """For City staff who read the audit trail: each object's full «Cronologia» in the admin."""
    if not user.has_perm("core.view_auditentry"):
        return []
    return [(str(obj._meta.verbose_name), history_url(obj)) for obj in objects if obj is not None]


def attachment(request, pk: int):
    message = get_object_or_404(Message, pk=pk, request__in=visible_requests(request.user))
    return private_file_response(message.attachment, f"allegato-{message.pk}")


def moderation(request):
    if not request.user.has_perm("booking.change_rating"):
        raise PermissionDenied
    if request.method == "POST":
        rating_id = request.POST.get("rating", "")
        rating = get_object_or_404(Rating, pk=parse_id(rating_id))
        approve = request.POST.get("decision") == "approve"
        act(
            request,
            lambda: marketplace.moderate(rating, approve=approve, actor=request.user),
            _("Commento pubblicato.") if approve else _("Commento non pubblicato."),
        )
        return redirect("booking_rating_moderation")
    pending = (
        Rating.objects.filter(moderation=Rating.Moderation.PENDING).select_related("service").order_by("created_at")
    )
    ratings = Paginator(pending, REQUESTS_PER_PAGE).get_page(request.GET.get("p"))
    return TemplateResponse(request, "booking/admin/moderation.html", {"ratings": ratings})

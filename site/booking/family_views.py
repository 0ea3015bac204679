"""The family's side of the marketplace: basket, requests, quotes and messages (orders: `family_order_views`).

Every object is looked up through the signed-in guardian, so another family's id answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from booking import marketplace, selection
from booking.forms import (
    MessageForm,
    RequestFilterForm,
    ServiceRequestForm,
)
from booking.models import Guardian, Message, Order, Quote, ServiceRequest
from catalog.facts import ServiceNotFound, service_facts, services_facts
from config.private_files import private_file_response
from core.audit import history_for
from core.errors import DomainError, act
from theme.input import parse_id

BASKET_KEY = selection.SESSION_KEY
BASKET_MAX = selection.MAX_SERVICES
PER_PAGE = 20


def paginate(request, queryset, per_page: int = PER_PAGE) -> dict:
    """One page of a list (`?pagina=N`, out-of-range or garbage → nearest page) and the query string of the other
    filters, for `theme/components/list_pagination.html`. The queries do not depend on the list's length."""
    query = request.GET.copy()
    query.pop("pagina", None)
    return {"page": Paginator(queryset, per_page).get_page(request.GET.get("pagina")), "query": query.urlencode()}


def _guardian_or_404(request) -> Guardian:
    guardian = Guardian.objects.filter(user=request.user).first()
    if guardian is None:
        raise Http404
    return guardian


def family_view(view):
    return never_cache(login_required(view))


def _basket(request) -> list[int]:
    return selection.current(request)


def counters(guardian: Guardian) -> dict:
    """What awaits the family: two queries, whatever the number of requests and orders."""
    orders = Order.objects.filter(guardian=guardian).aggregate(
        payments_due=Count("pk", filter=Q(state=Order.State.AWAITING_PAYMENT)),
        ratings_to_give=Count("pk", filter=Q(state=Order.State.COMPLETED, rating__isnull=True)),
    )
    return {
        "quotes_to_decide": Quote.objects.filter(request__guardian=guardian, state=Quote.State.OFFERED).count(),
        **orders,
    }


def _live_service_or_404(raw_id: str):
    """The facts of the live service of this id; Http404 for garbage, an unknown id or an unpublished service."""
    pk = parse_id(raw_id)
    try:
        service = service_facts(pk) if pk else None
    except ServiceNotFound:
        service = None
    if service is None or not service.live:
        raise Http404
    return service


@require_POST
@family_view
def basket_add(request):
    service = _live_service_or_404(request.POST.get("service", ""))
    basket = _basket(request)
    if service.id not in basket and len(basket) >= BASKET_MAX:
        messages.error(
            request,
            _("La selezione può contenere al massimo %(count)d servizi: invia le richieste o togline qualcuno.")
            % {"count": BASKET_MAX},
        )
        return redirect("booking:basket")
    if service.id not in basket:
        basket.append(service.id)
    selection.store(request, basket)
    messages.success(request, _("«%(service)s» aggiunto alla selezione.") % {"service": service.title})
    return redirect("booking:basket")


@require_POST
@family_view
def basket_remove(request):
    selection.store(request, [pk for pk in _basket(request) if str(pk) != request.POST.get("service")])
    return redirect("booking:basket")


@family_view
def basket(request):
    services = services_facts(_basket(request))
    return render(request, "booking/basket.html", {"services": services})


@family_view
def request_new(request):
    """One service (?servizio=<id>) or the whole basket: one request per service, all in one transaction."""
    guardian = Guardian.objects.filter(user=request.user).first()
    if guardian is None:
        messages.info(request, _("Per inviare una richiesta completa prima il tuo profilo."))
        return redirect("booking:profile")
    single = request.GET.get("servizio") or request.POST.get("servizio")
    ids = [single] if single else _basket(request)
    services = services_facts(pk for i in ids if (pk := parse_id(i)))
    if not services:
        messages.info(request, _("Scegli almeno un servizio dal catalogo."))
        return redirect("booking:basket")
    form = ServiceRequestForm(request.POST or None, guardian=guardian, services=services)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = marketplace.send_requests(
                guardian=guardian,
                child=data["child"],
                services=services,
                preferred_start=data["preferred_start"],
                preferred_end=data["preferred_end"],
                days=data["preferred_days"],
                message=data["message"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if not single:
                selection.store(request, [])
            messages.success(request, _sent_message(created, services))
            return redirect("booking:requests")
    return render(
        request,
        "booking/request_form.html",
        {
            "form": form,
            "services": services,
            "single": single,
            "costs": _costs(guardian, form, services),
            "paid": any(not service.is_free for service in services),
        },
    )


def _sent_message(created: list[ServiceRequest], services) -> str:
    """The confirmation: what happens next and by when (each provider's maximum wait, as a date)."""
    by_id = {service.id: service for service in services}
    answers = "; ".join(
        _("%(provider)s entro il %(date)s")
        % {
            "provider": by_id[r.service_id].provider_name,
            "date": date_format(marketplace.answer_deadline(r.created_at, by_id[r.service_id].max_wait_days), "d/m/Y"),
        }
        for r in created
    )
    sent = (
        _("Richiesta inviata a %(count)d servizi.") % {"count": len(created)}
        if len(created) > 1
        else _("Richiesta inviata.")
    )
    return " ".join(
        (
            sent,
            _("Ora l'ente la valuta e ti risponde con un preventivo, oppure ti spiega perché non può: %(answers)s.")
            % {"answers": answers},
            _("Ti scriviamo per email appena risponde; se non risponde entro quel giorno la richiesta scade."),
        )
    )


def _costs(guardian: Guardian, form: ServiceRequestForm, services) -> list[dict]:
    """Per service, before sending: the price with its unit and what each fitting child's voucher would pay of it.

    Rows: {"service", "covers": [{"child", "wallet", "covered", "rest", "units"}] (see marketplace.voucher_cover),
    "answer_by": the provider's last day to answer if sent today}; the final amount comes with the quote.
    """
    children = [child for child in guardian.children.all() if child.pk not in form.reasons]
    wallets = marketplace.usable_wallets(guardian, children)
    rows = []
    for service in services:
        covers = []
        if service.accepts_voucher and not service.is_free:
            for child in children:
                if wallet := wallets.get(child.pk):
                    cover = marketplace.voucher_cover(service.price, service.price_unit, wallet.balance)
                    covers.append({"child": child, "wallet": wallet, **cover})
        answer_by = marketplace.add_working_days(timezone.localdate(), service.max_wait_days)
        rows.append({"service": service, "covers": covers, "answer_by": answer_by})
    return rows


def _filtered(queryset, form, date_field: str):
    if form.is_valid():
        if form.cleaned_data["state"]:
            queryset = queryset.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["since"]:
            queryset = queryset.filter(**{f"{date_field}__date__gte": form.cleaned_data["since"]})
    return queryset


@family_view
def request_list(request):
    guardian = _guardian_or_404(request)
    form = RequestFilterForm(request.GET or None, states=ServiceRequest.State.choices)
    unread = Message.objects.filter(request=OuterRef("pk"), from_family=False, read_at__isnull=True)
    requests = _filtered(
        ServiceRequest.objects.filter(guardian=guardian)
        .select_related("service", "provider", "child", "quote")
        .annotate(unread=Exists(unread)),
        form,
        "created_at",
    )
    listing = paginate(request, requests)
    return render(
        request,
        "booking/request_list.html",
        {"requests": listing["page"], "query": listing["query"], "form": form, **counters(guardian)},
    )


def _own_request(request, pk) -> ServiceRequest:
    guardian = _guardian_or_404(request)
    return get_object_or_404(
        ServiceRequest.objects.select_related("service", "provider", "child", "guardian"), pk=pk, guardian=guardian
    )


@family_view
def request_detail(request, pk: int):
    service_request = _own_request(request, pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        marketplace.post_message(
            service_request,
            sender=request.user,
            from_family=True,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data["attachment"],
        )
        messages.success(request, _("Messaggio inviato."))
        return redirect("booking:request", pk=pk)
    thread = list(service_request.messages.select_related("sender"))
    marketplace.mark_read(service_request, reader_is_family=True)
    quote = Quote.objects.filter(request=service_request).select_related("order").first()
    return render(
        request,
        "booking/request_detail.html",
        {
            "req": service_request,
            "answer_by": marketplace.answer_deadline(
                service_request.created_at, service_facts(service_request.service_id).max_wait_days
            ),
            "quote": quote,
            "order": getattr(quote, "order", None) if quote else None,
            "thread": thread,
            "form": form,
            "history": history_for(service_request, states_only=True),
        },
    )


@require_POST
@family_view
def request_withdraw(request, pk: int):
    service_request = _own_request(request, pk)
    act(request, lambda: marketplace.withdraw(service_request, actor=request.user), _("Richiesta ritirata."))
    return redirect("booking:request", pk=pk)


@require_POST
@family_view
def quote_decide(request, pk: int):
    service_request = _own_request(request, pk)
    quote = get_object_or_404(Quote, request=service_request)
    if request.POST.get("decision") == "accept":
        order = act(request, lambda: marketplace.accept_quote(quote, actor=request.user), _("Preventivo accettato."))
        if order is not None:
            return redirect("booking:order", pk=order.pk)
    else:
        act(request, lambda: marketplace.reject_quote(quote, actor=request.user), _("Preventivo rifiutato."))
    return redirect("booking:request", pk=pk)


@family_view
def attachment(request, pk: int):
    guardian = _guardian_or_404(request)
    message = get_object_or_404(Message, pk=pk, request__guardian=guardian)
    return private_file_response(message.attachment, f"allegato-{message.pk}")

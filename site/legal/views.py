"""The page feedback ("Valuta questo servizio") and the accessibility report form.

Why the feedback endpoints are CSRF-exempt: the block sits on public pages served with
`Cache-Control: public` (theme.middleware); a CSRF token would set a `csrftoken` cookie on every such
page and make it private. The votes carry no personal data and change nothing but a counter, so instead
of a token they are protected by: an Origin check (a browser posting from another site is refused), a
honeypot field, a rate limit per client (hashed address kept only in the cache, never in the database)
and a signed, expiring token that lets the second step amend only the vote it belongs to.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from legal.forms import AccessibilityFeedbackForm, DetailForm, VoteForm
from legal.models import AccessibilityStatementPage, PageFeedback

TOKEN_SALT = "legal.page-feedback"
TOKEN_MAX_AGE = 60 * 60  # seconds: the second step must follow the vote within an hour
VOTES_PER_HOUR = 30  # per client address, across all pages
REVOTE_SECONDS = 10 * 60  # a second vote on the same page from the same address within this time is not counted
REPORTS_PER_HOUR = 5  # accessibility reports per client address


def client_key(request) -> str:
    """A salted hash of the client address: enough to rate-limit, useless to identify anybody."""
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def within_limit(key: str, limit: int, seconds: int) -> bool:
    """Count one more hit on `key` (a fixed window of `seconds`) and tell whether it is still within `limit`."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit


def same_origin(request) -> bool:
    """False when a browser says the form was posted from another site (the Origin header); True otherwise."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.get_host()


def _refuse(request, status: int, message: str):
    response = render(request, "legal/feedback_message.html", {"message": message}, status=status)
    add_never_cache_headers(response)
    return response


@csrf_exempt
@require_POST
def feedback_vote(request):
    """Step 1: record a yes or a no for a live public page, then offer step 2 (303 to `feedback_detail`).

    400 for an unknown page or malformed data, 403 for a cross-site post, 429 past the rate limit.
    A bot filling the honeypot is sent back to the page and nothing is stored.
    """
    if not same_origin(request):
        return _refuse(request, 403, _("La valutazione deve essere inviata da una pagina di questo sito."))
    form = VoteForm(request.POST)
    page = None
    if form.is_valid():
        page = Page.objects.live().public().filter(pk=form.cleaned_data["page"], depth__gt=2).first()
    if page is None:
        return _refuse(request, 400, _("Non è stato possibile registrare la valutazione: pagina non trovata."))
    if form.is_spam():
        return HttpResponseRedirect(page.get_url(request), status=303)
    client = client_key(request)
    if not within_limit(f"legal:feedback:votes:{client}", VOTES_PER_HOUR, 60 * 60):
        return _refuse(request, 429, _("Hai inviato molte valutazioni in poco tempo: riprova più tardi."))
    if not cache.add(f"legal:feedback:page:{client}:{page.pk}", 1, REVOTE_SECONDS):
        return _refuse(request, 200, _("Hai già valutato questa pagina: grazie!"))
    feedback = PageFeedback.objects.create(page=page, useful=form.cleaned_data["useful"])
    token = signing.dumps(feedback.pk, salt=TOKEN_SALT)
    return HttpResponseRedirect(reverse("legal:feedback_detail", args=[token]), status=303)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def feedback_detail(request, token: str):
    """Step 2 (optional): a reason and a short comment for the vote the signed `token` names, once.

    404 for a bad or expired token (an hour); a second answer for the same vote is ignored.
    """
    try:
        pk = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    feedback = PageFeedback.objects.select_related("page").filter(pk=pk).first()
    if feedback is None:
        raise Http404
    done = bool(feedback.reason or feedback.comment)
    form = None
    if not done:
        if request.method == "POST" and same_origin(request):
            form = DetailForm(request.POST, reasons=feedback.reasons())
            if form.is_valid():
                if not form.is_spam():
                    PageFeedback.objects.filter(pk=pk, reason="", comment="").update(
                        reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"].strip()
                    )
                done, form = True, None
        else:
            form = DetailForm(reasons=feedback.reasons())
    response = render(
        request,
        "legal/feedback_detail.html",
        {"feedback": feedback, "rated_page": feedback.page, "form": form, "done": done},
    )
    add_never_cache_headers(response)
    return response


def accessibility_feedback(request):
    """The accessibility statement's feedback form (AgID model); staff read the reports in the admin."""
    sent = request.GET.get("inviata") == "1"
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        if form.is_valid():
            if not form.is_spam():
                if not within_limit(f"legal:a11y:{client_key(request)}", REPORTS_PER_HOUR, 60 * 60):
                    return _refuse(request, 429, _("Hai inviato molte segnalazioni in poco tempo: riprova più tardi."))
                form.save()
            return redirect(f"{reverse('legal:accessibility_feedback')}?inviata=1")
    else:
        form = AccessibilityFeedbackForm(initial={"page_url": request.GET.get("pagina", "")[:500]})
    statement = AccessibilityStatementPage.objects.live().public().first()
    return render(request, "legal/accessibility_feedback.html", {"form": form, "sent": sent, "statement": statement})

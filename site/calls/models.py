"""Calls (Avvisi): submission windows whose status follows the clock, and attached documents.

A call whose dates are not decided yet has no windows: it is "in definizione", never open nor upcoming
(seeds: the civic-volunteering-with-gaming call "è ancora in fase di definizione").
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from catalog.register_call import RegisterCall, SubmissionWindow
from core.blocks import BodyBlock
from core.pages import BasePage, SectionPage


class CallStatus(models.TextChoices):
    UPCOMING = "upcoming", _("In arrivo")
    OPEN = "open", _("Aperto")
    IN_DEFINITION = "in_definition", _("In definizione")
    CLOSED = "closed", _("Chiuso")


class CallIndexPage(SectionPage):
    subpage_types = ["calls.CallPage"]

    class Meta:
        verbose_name = _("indice degli avvisi")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["calls"] = self.calls_by_status(timezone.now())
        return context

    def calls_by_status(self, now) -> list["CallPage"]:
        """Open calls first (closing soonest first), then upcoming (opening soonest), then those in definition,
        then closed (latest first).

        Each call carries `current_status` and `shown_window`: the window in progress or the next one,
        or the last one for a closed call.
        """
        calls = list(CallPage.objects.child_of(self).live().public().prefetch_related("windows"))
        for call in calls:
            call.current_status = call.status(now)
            call.shown_window = call.next_window(now) or call.last_window()
        return sorted(calls, key=lambda call: call.listing_key())


class CallPage(BasePage):
    intro = models.TextField(_("sommario"))
    audience = models.CharField(_("a chi si rivolge"), max_length=255, blank=True)
    deadline = models.DateTimeField(
        _("scadenza dell'avviso"),
        null=True,
        blank=True,
        help_text=_(
            "Fino a quando l'avviso resta in vigore, se le domande si presentano in più finestre pubblicate nel "
            "tempo (per esempio «aperto fino al 30 giugno 2023»). Lascia vuoto se non è stabilita."
        ),
    )
    body = StreamField(BodyBlock(), verbose_name=_("testo dell'avviso"), blank=True)
    opens_register = models.BooleanField(
        _("apre le iscrizioni all'Elenco Milano 0-18"),
        default=False,
        help_text=_(
            "Le finestre di questo avviso aprono e chiudono il modulo online di iscrizione all'Elenco, e la pagina "
            "dell'avviso vi rimanda."
        ),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("audience"),
        FieldPanel("deadline"),
        FieldPanel("opens_register"),
        InlinePanel(
            "windows",
            label=_("Finestra di presentazione"),
            help_text=_("Senza finestre né scadenza l'avviso è mostrato «In definizione»: non inventare date."),
        ),
        FieldPanel("body"),
        InlinePanel("documents", label=_("Documento allegato")),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["calls.CallIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("avviso")
        verbose_name_plural = _("avvisi")

    def status(self, now=None) -> str:
        """Where the call stands at `now` (default: the current time), a `CallStatus` value.

        Closed once its deadline has passed; otherwise open while a window is open, upcoming while a window
        is still to open; in definition when no window is published yet, or when the call is still in force
        (deadline ahead) and its next windows are not published; closed when every window is over.
        """
        now = now or timezone.now()
        if self.deadline is not None and now >= self.deadline:
            return CallStatus.CLOSED
        states = {w.state_at(now) for w in self.windows.all()}
        if "current" in states:
            return CallStatus.OPEN
        if "future" in states:
            return CallStatus.UPCOMING
        if not states or self.deadline is not None:
            return CallStatus.IN_DEFINITION
        return CallStatus.CLOSED

    def next_window(self, now=None):
        """The window in progress, or else the next one to open; None when all are over."""
        now = now or timezone.now()
        return min((w for w in self.windows.all() if w.closes_at > now), key=lambda w: w.opens_at, default=None)

    def last_window(self):
        return max(self.windows.all(), key=lambda w: w.closes_at, default=None)

    def listing_key(self) -> tuple:
        """Sort key for a call annotated by CallIndexPage.calls_by_status."""
        order = {CallStatus.OPEN: 0, CallStatus.UPCOMING: 1, CallStatus.IN_DEFINITION: 2, CallStatus.CLOSED: 3}[
            self.current_status
        ]
        window = self.shown_window
        if window is None:
            return (order, 0.0, self.title)
        if self.current_status == CallStatus.OPEN:
            moment = window.closes_at.timestamp()
        elif self.current_status == CallStatus.UPCOMING:
            moment = window.opens_at.timestamp()
        else:
            moment = -window.closes_at.timestamp()
        return (order, moment, self.title)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        windows = sorted(self.windows.all(), key=lambda w: w.opens_at)
        for window in windows:
            window.state = window.state_at(now)
        register_call = register_call_at(now, [self]) if self.opens_register else None
        context.update(
            now=now,
            status=self.status(now),
            windows=windows,
            documents=self.documents.select_related("document"),
            register_call=register_call,
            register_elsewhere=self._register_elsewhere(now, register_call),
        )
        return context

    def _register_elsewhere(self, now, own: RegisterCall | None) -> RegisterCall | None:
        """When this call opens the register but has no window in progress or ahead, the other marked call whose
        window is (or will be) the form's, so that the page points there instead of only saying "closed"; None
        otherwise (two queries, only then)."""
        if own is None or own.current or own.upcoming:
            return None
        other = register_call_at(now)
        if other is None or other.page_id == self.pk or not (other.current or other.upcoming):
            return None
        return other


def _window(window) -> SubmissionWindow:
    return SubmissionWindow(label=window.label, opens_at=window.opens_at, closes_at=window.closes_at)


def _latest_first(call) -> tuple:
    last = call.last_window()
    return (last.closes_at.timestamp() if last else float("-inf"), call.pk)


def register_call_at(now, calls=None) -> RegisterCall | None:
    """The call the register form belongs to at `now`, among `calls` (default: the live calls marked
    `opens_register`): one with a window in progress (the one closing soonest), else the one whose next window
    opens soonest, else the latest marked call, closed (the form then links to it). Windows of a call past its
    deadline do not count. None when no call is marked. One query (two with the default `calls`)."""
    if calls is None:
        calls = list(CallPage.objects.live().filter(opens_register=True).prefetch_related("windows"))
    if not calls:
        return None
    current, upcoming = [], []
    for call in calls:
        if call.deadline is not None and now >= call.deadline:
            continue
        for window in call.windows.all():
            state = window.state_at(now)
            if state == "current":
                current.append((window.closes_at, call, window))
            elif state == "future":
                upcoming.append((window.opens_at, call, window))
    upcoming.sort(key=lambda item: item[0])
    if current:
        _closes, call, window = min(current, key=lambda item: item[0])
        later = [item for item in upcoming if item[1] is call]
        return RegisterCall(call.pk, call.title, call.url, _window(window), _window(later[0][2]) if later else None)
    if upcoming:
        _opens, call, window = upcoming[0]
        return RegisterCall(call.pk, call.title, call.url, None, _window(window))
    call = max(calls, key=_latest_first)
    return RegisterCall(call.pk, call.title, call.url, None, None)


class CallWindow(Orderable):
    page = ParentalKey(CallPage, on_delete=models.CASCADE, related_name="windows")
    label = models.CharField(_("etichetta"), max_length=120, blank=True)
    opens_at = models.DateTimeField(_("apertura"))
    closes_at = models.DateTimeField(_("chiusura"))

    panels = [FieldPanel("label"), FieldPanel("opens_at"), FieldPanel("closes_at")]

    class Meta(Orderable.Meta):
        verbose_name = _("finestra di presentazione")
        verbose_name_plural = _("finestre di presentazione")

    def state_at(self, now) -> str:
        """Where this window stands at `now`: past, current or future (opens_at included, closes_at excluded)."""
        if now < self.opens_at:
            return "future"
        return "current" if now < self.closes_at else "past"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("La chiusura deve essere successiva all'apertura.")})


class CallDocument(Orderable):
    page = ParentalKey(CallPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("documento"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("titolo da mostrare"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

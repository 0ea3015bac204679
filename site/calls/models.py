"""Calls (Avvisi): submission windows whose status follows the clock, and attached documents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from home.blocks import BodyBlock
from home.models import BasePage


class CallStatus(models.TextChoices):
    UPCOMING = "upcoming", _("In arrivo")
    OPEN = "open", _("Aperto")
    CLOSED = "closed", _("Chiuso")


class CallIndexPage(BasePage):
    intro = models.TextField(_("introduzione"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["calls.CallPage"]
    max_count = 1

    class Meta:
        verbose_name = _("indice degli avvisi")

    @property
    def intro_text(self) -> str:
        return self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        calls = CallPage.objects.child_of(self).live().prefetch_related("windows")
        now = timezone.now()
        order = {CallStatus.OPEN: 0, CallStatus.UPCOMING: 1, CallStatus.CLOSED: 2}
        context["calls"] = sorted(calls, key=lambda call: (order[call.status(now)], call.title))
        return context


class CallPage(BasePage):
    intro = models.TextField(_("sommario"))
    audience = models.CharField(_("a chi si rivolge"), max_length=255, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("testo dell'avviso"), blank=True)

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("audience"),
        InlinePanel("windows", label=_("Finestra di presentazione"), min_num=1),
        FieldPanel("body"),
        InlinePanel("documents", label=_("Documento allegato")),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["calls.CallIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("avviso")
        verbose_name_plural = _("avvisi")

    @property
    def intro_text(self) -> str:
        return self.intro

    def status(self, now=None) -> str:
        """Open while any window is open; upcoming while a window is still to open; closed otherwise."""
        now = now or timezone.now()
        windows = list(self.windows.all())
        if any(w.opens_at <= now < w.closes_at for w in windows):
            return CallStatus.OPEN
        if any(now < w.opens_at for w in windows):
            return CallStatus.UPCOMING
        return CallStatus.CLOSED

    def status_label(self) -> str:
        return CallStatus(self.status()).label

    def next_window(self, now=None):
        now = now or timezone.now()
        return min((w for w in self.windows.all() if w.closes_at > now), key=lambda w: w.opens_at, default=None)


class CallWindow(Orderable):
    page = ParentalKey(CallPage, on_delete=models.CASCADE, related_name="windows")
    label = models.CharField(_("etichetta"), max_length=120, blank=True)
    opens_at = models.DateTimeField(_("apertura"))
    closes_at = models.DateTimeField(_("chiusura"))

    panels = [FieldPanel("label"), FieldPanel("opens_at"), FieldPanel("closes_at")]

    class Meta(Orderable.Meta):
        verbose_name = _("finestra di presentazione")
        verbose_name_plural = _("finestre di presentazione")

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

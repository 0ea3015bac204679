"""The home page, content pages, wellbeing dimensions, partners and site settings."""

from django.apps import apps
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BodyBlock
from core.pages import BasePage, SectionPage, optional_image, optional_page
from core.vocabularies import Category, Dimension, label_of


class HomePage(BasePage):
    hero_title = models.CharField(_("titolo principale"), max_length=200)
    hero_text = models.TextField(_("testo introduttivo"))
    voucher_page = optional_page(
        _("pagina del voucher 0-18"),
        help_text=_("Dove porta il pulsante «Il voucher 0-18» in cima alla home page (di solito l'avviso voucher)."),
    )
    how_it_works_title = models.CharField(_("titolo di «Come funziona»"), max_length=200, blank=True)
    how_it_works_intro = RichTextField(_("introduzione a «Come funziona»"), blank=True, features=["bold", "link"])
    catalogue_title = models.CharField(_("titolo della sezione catalogo"), max_length=200, blank=True)
    highlight_title = models.CharField(_("titolo dell'avviso in evidenza"), max_length=200, blank=True)
    highlight_text = RichTextField(
        _("testo dell'avviso in evidenza"),
        blank=True,
        features=["bold", "link", "ul"],
        help_text=_("Una notizia che tutti devono vedere, per esempio l'esito dell'avviso voucher e le sue date."),
    )

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("voucher_page")], heading=_("In evidenza")
        ),
        MultiFieldPanel([FieldPanel("highlight_title"), FieldPanel("highlight_text")], heading=_("Avviso in evidenza")),
        FieldPanel("catalogue_title"),
        MultiFieldPanel(
            [
                FieldPanel("how_it_works_title"),
                FieldPanel("how_it_works_intro"),
                InlinePanel("steps", label=_("Passo")),
            ],
            heading=_("Come funziona"),
        ),
        InlinePanel("categories", label=_("Categoria del catalogo")),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.ContentPage",
        "home.WellbeingDimensionsPage",
        "home.PartnersPage",
        "challenges.ChallengeIndexPage",
        "news.NewsIndexPage",
        "hubs.HubIndexPage",
        "calls.CallIndexPage",
        "catalog.CatalogIndexPage",
        "legal.PrivacyNoticePage",
        "legal.AccessibilityStatementPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    summary_field = "hero_text"

    # The other apps import home.models, so their models are looked up lazily.

    def latest_news(self, limit: int = 3):
        NewsPage = apps.get_model("news", "NewsPage")
        return (
            NewsPage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-date", "-pk")
            .select_related("image")
            .prefetch_related("image__renditions")[:limit]
        )

    def challenges(self):
        ChallengePage = apps.get_model("challenges", "ChallengePage")
        return (
            ChallengePage.objects.live().public().descendant_of(self).order_by("number").prefetch_related("dimensions")
        )

    def hubs(self):
        HubPage = apps.get_model("hubs", "HubPage")
        return HubPage.objects.live().public().descendant_of(self).order_by("municipio", "title")

    def section_pages(self) -> dict[str, Page]:
        """The live index pages under the home page, by app label ("news", "challenges", "hubs", ...)."""
        return {page.specific_class._meta.app_label: page for page in self.get_children().live().public()}

    def route(self, request, path_components):
        """The service sheet, the page families open most, is found with its provider in one query.

        A sheet lives four levels down (catalogue / providers / provider / service); anything else, or a
        sheet that does not match, goes through Wagtail's routing level by level.
        """
        if len(path_components) >= 4:
            from catalog.models import service_under

            service = service_under(self, path_components[:4])
            if service is not None:
                return service.route(request, path_components[4:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sections = self.section_pages()
        catalogue = sections.get("catalog")
        # The hero's two actions: the catalogue search (a route of the catalogue page) and the voucher page.
        search_url = catalogue.url + catalogue.specific_deferred.reverse_subpage("search") if catalogue else ""
        context.update(
            catalogue_search_url=search_url,
            categories=list(self.categories.all()),
            steps=list(self.steps.all()),
            latest_news=list(self.latest_news()),
            challenges=list(self.challenges()),
            hubs=list(self.hubs()),
            sections=sections,
            voucher_page=self.voucher_page if self.voucher_page and self.voucher_page.live else None,
        )
        return context


class HomeStep(Orderable):
    """One of the steps of «Come funziona»."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="steps")
    text = RichTextField(_("testo"), features=["bold"])

    panels = [FieldPanel("text")]


class HomeCategory(Orderable):
    """A catalogue category the home page presents: editors choose which and in what order; its name and
    description are the vocabulary's (`core.vocabularies.Category`)."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("categoria"), max_length=20, choices=Category.choices)

    panels = [FieldPanel("code")]

    @property
    def description(self) -> str:
        return Category(self.code).description if self.code in Category.values else ""


class ContentPage(BasePage):
    """A page of the minisite: the project, the framework, the macro-actions, legal notes..."""

    intro = models.TextField(_("introduzione"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("contenuto"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = BasePage.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage", "legal.PrivacyNoticePage"]

    class Meta:
        verbose_name = _("pagina di contenuto")
        verbose_name_plural = _("pagine di contenuto")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subpages"] = self.get_children().live().public().only("title", "url_path")
        return context


class WellbeingDimension(index.Indexed, models.Model):
    """One of the seven dimensions of wellbeing of the strategic framework.

    Its name and colour are the vocabulary's (`core.vocabularies.Dimension`, the colour also the CSS token
    `--m018-dim-N`); editors write its description and choose its icon.
    """

    number = models.PositiveSmallIntegerField(_("dimensione"), unique=True, choices=Dimension.choices)
    description = models.TextField(_("descrizione"), blank=True)
    icon = models.CharField(
        _("icona"), max_length=40, help_text=_("Nome di un'icona di Bootstrap Italia, per esempio it-user.")
    )

    panels = [FieldPanel("number"), FieldPanel("description"), FieldPanel("icon")]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta:
        ordering = ["number"]
        verbose_name = _("dimensione del benessere")
        verbose_name_plural = _("dimensioni del benessere")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        """The dimension's name from the vocabulary ("" for a number outside 1-7)."""
        return label_of("dimension", self.number) or ""

    @property
    def colour(self) -> str:
        """#rrggbb from the vocabulary (the site's blue for a number outside 1-7)."""
        return Dimension(self.number).colour if self.number in Dimension.values else "#0066cc"


class WellbeingDimensionsPage(BasePage):
    intro = models.TextField(_("introduzione"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("contenuto"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("pagina delle dimensioni del benessere")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["dimensions"] = self.dimensions()
        return context

    def dimensions(self):
        """The dimensions, each with the live challenges that touch it (prefetched: one query for all)."""
        ChallengePage = apps.get_model("challenges", "ChallengePage")
        live_challenges = ChallengePage.objects.live().public().order_by("number")
        return WellbeingDimension.objects.prefetch_related(
            Prefetch("challenges", queryset=live_challenges, to_attr="live_challenges")
        )


class Partner(index.Indexed, ClusterableModel):
    class Role(models.TextChoices):
        LEAD = "lead", _("Capofila")
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Finanziatore")

    name = models.CharField(_("nome"), max_length=200)
    role = models.CharField(_("ruolo"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    description = models.TextField(_("descrizione"), blank=True)
    url = models.URLField(_("sito web"), blank=True)
    logo = optional_image(_("logo"))
    sort_order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("description"),
        FieldPanel("url"),
        FieldPanel("logo"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta:
        ordering = ["role", "sort_order", "name"]
        verbose_name = _("partner o finanziatore")
        verbose_name_plural = _("partner e finanziatori")

    def __str__(self) -> str:
        return self.name


class PartnersPage(SectionPage):
    class Meta:
        verbose_name = _("pagina dei partner")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["partners_by_role"] = self.partners_by_role()
        return context

    ROLE_HEADINGS = {
        Partner.Role.LEAD: _("Capofila"),
        Partner.Role.PARTNER: _("Partner di progetto"),
        Partner.Role.FUNDER: _("Finanziatori"),
    }

    @classmethod
    def partners_by_role(cls) -> list[tuple[str, list[Partner]]]:
        """(heading, partners) for every role that has partners: capofila, partner, finanziatori (two queries: the
        partners with their logos, the logos' renditions)."""
        partners = list(Partner.objects.select_related("logo").prefetch_related("logo__renditions"))
        groups = [(cls.ROLE_HEADINGS[role], [p for p in partners if p.role == role]) for role in Partner.Role]
        return [(heading, members) for heading, members in groups if members]


#: The EU funding notice in Italian (the seeds' text named the fund and the initiative in English).
FUNDING_NOTICE = (
    "Questo progetto è cofinanziato dal Fondo europeo di sviluppo regionale (FESR) attraverso l'iniziativa "
    "Azioni urbane innovative (UIA) dell'Unione europea."
)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    organisation = models.CharField(_("ente"), max_length=200, default="Comune di Milano")
    email = models.EmailField(_("email di contatto"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    address = models.CharField(_("indirizzo"), max_length=255, blank=True)
    facebook = models.URLField(_("Facebook"), blank=True)
    instagram = models.URLField(_("Instagram"), blank=True)
    youtube = models.URLField(_("YouTube"), blank=True)
    linkedin = models.URLField(_("LinkedIn"), blank=True)
    funding_notice = models.TextField(
        _("avviso di cofinanziamento europeo"),
        default=FUNDING_NOTICE,
    )

    accessibility_page = optional_page(_("dichiarazione di accessibilità"))
    privacy_page = optional_page(_("informativa privacy"))
    legal_notes_page = optional_page(_("note legali"))
    cookie_page = optional_page(_("informativa sui cookie"))
    contacts_page = optional_page(_("contatti"))

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation"), FieldPanel("email"), FieldPanel("phone"), FieldPanel("address")],
            heading=_("Contatti"),
        ),
        MultiFieldPanel(
            [FieldPanel("facebook"), FieldPanel("instagram"), FieldPanel("youtube"), FieldPanel("linkedin")],
            heading=_("Social"),
        ),
        FieldPanel("funding_notice"),
        MultiFieldPanel(
            [
                FieldPanel("accessibility_page"),
                FieldPanel("privacy_page"),
                FieldPanel("legal_notes_page"),
                FieldPanel("cookie_page"),
                FieldPanel("contacts_page"),
            ],
            heading=_("Collegamenti a piè di pagina"),
        ),
    ]

    class Meta:
        verbose_name = _("impostazioni del sito")

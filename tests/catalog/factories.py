"""Factories for catalogue tests (factory_boy + wagtail-factories): each builds only what it is asked for.

`ServicePageFactory(parent=provider)` builds a live Scheda Servizio with a full, valid sheet and every inline
(activities, municipi, a location, contact hours, sessions, a price tier); `ProviderPageFactory(parent=index)`
a Scheda Ente with an office and a category. The short functions below (`catalog_tree`, `provider`, `service`,
`user`, `provider_user`, `editor`) are the shorthand most tests use; they only call the factories.
"""

import datetime
from decimal import Decimal

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from stdnum.it import codicefiscale

from catalog.constants import EDITORS_GROUP, LegalForm, Sharing
from catalog.models import (
    CatalogIndexPage,
    CategoryPage,
    ProviderCategory,
    ProviderIndexPage,
    ProviderOffice,
    ProviderPage,
    RegisterApplication,
    ServiceActivity,
    ServiceContactHours,
    ServiceLocation,
    ServiceMunicipio,
    ServicePage,
    ServicePriceTier,
    ServiceSession,
)
from catalog.workflow import grant_provider_permissions
from core.vocabularies import Category, PriceUnit

PASSWORD = "pw-test-1234"
#: A valid fiscal code (check character computed) for the representatives of test applications.
REPRESENTATIVE_CF = "RSSMRA85T10F205" + codicefiscale.calc_check_digit("RSSMRA85T10F205")
PUBLISHED = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)


def vat(number: int) -> str:
    """A valid partita IVA built from a sequence number (the demo's own rule)."""
    from catalog.demo import partita_iva

    return partita_iva(number)


class CatalogIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CatalogIndexPage

    title = "Catalogo"
    slug = "catalogo"


class CategoryPageFactory(wagtail_factories.PageFactory):
    """A category page; `category` is a `catalog.constants.Category` (default Arte)."""

    class Meta:
        model = CategoryPage

    category = Category.ARTE
    title = factory.LazyAttribute(lambda o: str(o.category.label))
    slug = factory.LazyAttribute(lambda o: o.category.value)
    description = factory.LazyAttribute(lambda o: f"{o.category.label}.")


class ProviderIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProviderIndexPage

    title = "Enti"
    slug = "enti"


class ProviderPageFactory(wagtail_factories.PageFactory):
    """A Scheda Ente (third-sector body, an office in Municipio 2, category Arte); `number` picks its VAT."""

    class Meta:
        model = ProviderPage

    class Params:
        number = factory.Sequence(lambda n: n + 1)

    title = "Ente Uno"
    slug = ""  # Wagtail derives a slug from the title, unique among the siblings
    legal_name = factory.LazyAttribute(lambda o: f"{o.title} APS")
    legal_form = LegalForm.THIRD_SECTOR
    tax_code = factory.LazyAttribute(lambda o: vat(o.number))
    contact_person = "Giulia Rossi"
    contact_email = "info@ente.example.org"
    contact_phone = "02 1234567"
    description = "<p>Un ente del quartiere.</p>"
    offices = factory.LazyFunction(lambda: [ProviderOffice(address="Via Padova 1, Milano", municipio=2)])
    categories = factory.LazyFunction(lambda: [ProviderCategory(category=Category.ARTE)])


def _contact_hours() -> list[ServiceContactHours]:
    morning = [ServiceContactHours(weekday=d, opens=datetime.time(9), closes=datetime.time(13)) for d in range(5)]
    afternoon = [
        ServiceContactHours(weekday=d, opens=datetime.time(14), closes=datetime.time(17, 30)) for d in range(5)
    ]
    return morning + afternoon


class ServicePageFactory(wagtail_factories.PageFactory):
    """A live Scheda Servizio (Arte, ages 6-14, 25.00 EUR a session, voucher accepted) under `parent`.

    `live=False` builds a draft (no publication dates); `published_at` sets both publication dates of a live one.
    """

    class Meta:
        model = ServicePage

    class Params:
        published_at = PUBLISHED

    title = "Corsi di teatro"
    slug = ""  # Wagtail derives a slug from the title, unique among the siblings
    live = True
    first_published_at = factory.LazyAttribute(lambda o: o.published_at if o.live else None)
    last_published_at = factory.LazyAttribute(lambda o: o.published_at if o.live else None)
    category = Category.ARTE
    summary = "Laboratorio teatrale per esprimersi con la voce e il corpo."
    description = "<p>Improvvisazione, voce e movimento in gruppo.</p>"
    age_min = 6
    age_max = 14
    for_disability = True
    for_special_needs = True
    at_premises = True
    at_home = True
    staff_qualification = "Attore e formatore teatrale"
    staff_experience_years = 1
    staff_references = True
    is_free = False
    price_amount = Decimal("25.00")
    price_unit = PriceUnit.SESSION
    price_valid_from = datetime.date(2026, 9, 1)
    price_valid_until = datetime.date(2027, 7, 31)
    sharing = Sharing.BOTH
    voucher_accepted = True
    activation_procedure = "Per attivare il servizio è necessario un colloquio telefonico."
    max_wait_days = 5
    start_date = datetime.date(2026, 10, 1)
    end_date = datetime.date(2027, 5, 31)
    places_available = 12
    descriptor_body = 3
    descriptor_relationships = 5
    descriptor_knowledge = 2
    descriptor_creativity = 4
    descriptor_self_determination = 0
    activities = factory.LazyFunction(
        lambda: [ServiceActivity(name="Improvvisazione"), ServiceActivity(name="Dizione")]
    )
    served_municipi = factory.LazyFunction(lambda: [ServiceMunicipio(municipio=5), ServiceMunicipio(municipio=6)])
    locations = factory.LazyFunction(
        lambda: [
            ServiceLocation(
                name="Teatro di quartiere",
                address="Via Ripamonti 10, Milano",
                municipio=5,
                latitude=Decimal("45.440000"),
                longitude=Decimal("9.200000"),
            )
        ]
    )
    contact_hours = factory.LazyFunction(_contact_hours)
    sessions = factory.LazyFunction(
        lambda: [
            ServiceSession(weekday=2, start_time=datetime.time(17), end_time=datetime.time(18, 30)),
            ServiceSession(weekday=5, start_time=datetime.time(10), end_time=datetime.time(12)),
        ]
    )
    price_tiers = factory.LazyFunction(
        lambda: [ServicePriceTier(min_participants=3, max_participants=5, price_per_participant=Decimal("20.00"))]
    )


class RegisterApplicationFactory(factory.django.DjangoModelFactory):
    """An application to the Elenco as the public form stores it: a third-sector theatre in Via Padova, Mario Rossi
    its representative (a valid fiscal code). `declared=True` ticks the three declarations approval requires;
    `categories=[Category.ARTE]` adds the categories applied for; `number` picks its VAT."""

    class Meta:
        model = RegisterApplication
        skip_postgeneration_save = True

    class Params:
        number = 7
        declared = factory.Trait(
            declares_honourability=True, declares_professional_capacity=True, declares_organisational_capacity=True
        )

    organisation_name = "Teatro dei Ragazzi"
    legal_form = LegalForm.THIRD_SECTOR
    tax_code = factory.LazyAttribute(lambda o: vat(o.number))
    address = "Via Padova 10, Milano"
    email = "segreteria@teatro.example.org"
    phone = "02 1234567"
    representative_name = "Mario Rossi"
    representative_tax_code = REPRESENTATIVE_CF
    contact_email = "catalogo@teatro.example.org"

    @factory.post_generation
    def categories(self, create, codes, **kwargs):
        for code in codes or ():
            self.categories.create(category=code)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the tests' password (`PASSWORD`); `groups=[name, ...]` adds existing groups by name."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utente{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))


def catalog_tree(home):
    """The catalogue under `home`: its index, the Sport and Arte category pages and the providers' index."""
    catalog = CatalogIndexPageFactory(parent=home)
    categories = {code: CategoryPageFactory(parent=catalog, category=code) for code in (Category.SPORT, Category.ARTE)}
    index = ProviderIndexPageFactory(parent=catalog)
    return catalog, categories, index


def provider(index, name="Ente Uno", number=1, **fields) -> ProviderPage:
    return ProviderPageFactory(parent=index, title=name, number=number, **fields)


def service(parent, title="Corsi di teatro", live=True, published_at=None, **fields) -> ServicePage:
    return ServicePageFactory(parent=parent, title=title, live=live, published_at=published_at or PUBLISHED, **fields)


def user(username, groups=(), **fields):
    return UserFactory(username=username, groups=list(groups), **fields)


def provider_user(username, provider_page):
    """A provider's staff member: in the provider's own group, with its page permissions."""
    account = user(username)
    account.groups.add(grant_provider_permissions(provider_page))
    return account


def editor(username="redattrice"):
    """A municipal editor («Redazione del Comune»), who approves the providers' sheets."""
    return user(username, groups=[EDITORS_GROUP])

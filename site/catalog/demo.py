"""Demo catalogue: the five categories, ~60 providers, ~600 services and two provider accounts.

Deterministic (a fixed random seed, fixed dates) and idempotent: pages that already exist are left alone.
Live demo services are created already published, without a revision each (like an import), which keeps
600 pages fast; the demo providers' own sheets go through revisions and the workflow to show every state.
"""

import datetime
import random
from decimal import Decimal
from pathlib import Path
from string import Template

import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn
from wagtail.models import Page, WorkflowState
from wagtail.search.backends import get_search_backend
from wagtail.signal_handlers import disable_reference_index_auto_update

from catalog.constants import EDITORS_GROUP, LegalForm, Sharing
from catalog.demo_bulk import add_live_children, bulk_children, search_signals_disconnected
from catalog.models import (
    CatalogIndexPage,
    CategoryPage,
    ProviderAdministrator,
    ProviderCategory,
    ProviderIndexPage,
    ProviderOffice,
    ProviderPage,
    ServiceActivity,
    ServiceContactHours,
    ServiceLocation,
    ServiceMunicipio,
    ServicePage,
    ServicePriceTier,
    ServiceSession,
)
from catalog.workflow import ensure_moderation_workflow, grant_provider_permissions
from core.demo_pages import demo_password_hash
from core.vocabularies import Category, PriceUnit

SEED = 18
PROVIDERS = 60
SERVICES_PER_PROVIDER = 10
DEMO_PASSWORD = "milano018-demo"
DEMO_PROVIDER_ACCOUNTS = ["ente1", "ente2"]
#: The services are published from the start of the school year 2026/27 (the demo's one year: see news/demo.py),
#: three hours apart: the 600th on 15 November 2026, none in the future of the demo's autumn.
PUBLISHED_BASE = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)
CATEGORY_ORDER = [Category.SPORT, Category.ARTE, Category.STEM, Category.SALUTE, Category.SCUOLA_PLUS]
LEGAL_FORMS = [LegalForm.THIRD_SECTOR, LegalForm.NONPROFIT, LegalForm.COMPANY, LegalForm.OTHER]

# The word pools and texts live in demo_data/catalogue.yaml (see its header).
with (Path(__file__).with_name("demo_data") / "catalogue.yaml").open(encoding="utf-8") as _file:
    DATA = yaml.safe_load(_file)
TEXTS = DATA["texts"]
CATEGORIES = {Category(code): pool for code, pool in DATA["categories"].items()}
PROVIDER_NAMES = DATA["provider_names"]
STREETS = [(row["street"], row["municipio"]) for row in DATA["streets"]]
MUNICIPIO_CENTRES = {number: tuple(centre) for number, centre in DATA["municipio_centres"].items()}
FIRST_NAMES = DATA["first_names"]
LAST_NAMES = DATA["last_names"]
ACTIVATION_PROCEDURES = DATA["activation_procedures"]
PRICE_AMOUNTS = DATA["price_amounts"]
TAG_NAMES = {tag for pool in CATEGORIES.values() for service in pool["services"] for tag in service["tags"]}


def load(stdout) -> None:
    # The catalogue hangs under the home page (the demo of a higher layer): looked up by label, never imported.
    home = apps.get_model("home", "HomePage").objects.first()
    if home is None:
        stdout.write("catalog: manca la home page, salto")
        return
    ensure_moderation_workflow()
    catalog = _catalog_pages(home)
    index = ProviderIndexPage.objects.child_of(catalog).get()
    started = timezone.now()
    created = _providers_and_services(index)
    _editors()
    _demo_accounts(index)
    seconds = (timezone.now() - started).total_seconds()
    stdout.write(f"catalog: {created} nuove schede servizio in {seconds:.1f} s")


def _publish(parent, page, when=None):
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = when or PUBLISHED_BASE
    parent.add_child(instance=page)
    return page


def _catalog_pages(home) -> CatalogIndexPage:
    catalog = CatalogIndexPage.objects.first()
    if catalog is None:
        catalog = _publish(
            home,
            CatalogIndexPage(
                title=TEXTS["catalogue_title"],
                slug="catalogo",
                show_in_menus=True,
                intro=TEXTS["catalogue_intro"],
            ),
        )
    existing = set(CategoryPage.objects.child_of(catalog).values_list("category", flat=True))
    for code in CATEGORY_ORDER:
        if code not in existing:
            _publish(
                catalog,
                CategoryPage(title=str(code.label), slug=code.value, category=code, description=code.description),
            )
    if not ProviderIndexPage.objects.child_of(catalog).exists():
        _publish(
            catalog,
            ProviderIndexPage(
                title=TEXTS["provider_index_title"],
                slug="enti",
                intro=TEXTS["provider_index_intro"],
            ),
        )
    return catalog


def partita_iva(number: int) -> str:
    """A valid partita IVA (office code 049) built from a sequence number."""
    base = f"{number:07d}049"
    return base + luhn.calc_check_digit(base)


def _providers_and_services(index) -> int:
    rng = random.Random(SEED)
    existing = set(ProviderPage.objects.child_of(index).values_list("slug", flat=True))
    challenges = _challenges()
    created: list[tuple[ServicePage, dict]] = []
    providers = []
    used_names: set[str] = set()
    # Bulk load: no per-page search or reference index updates (both are rebuilt in bulk below), and the
    # services' child rows are inserted with one bulk_create per table instead of one INSERT each.
    with disable_reference_index_auto_update(), search_signals_disconnected():
        for n in range(PROVIDERS):
            category = CATEGORY_ORDER[n % len(CATEGORY_ORDER)]
            pool = CATEGORIES[category]
            name = _provider_name(n, pool, used_names)
            slug = slugify(name)
            # Draw everything for this provider even when it exists, so later providers stay the same.
            provider = _provider(rng, n, name, slug, category)
            services = [
                _service(rng, n * SERVICES_PER_PROVIDER + i, _service_category(provider, i), challenges)
                for i in range(SERVICES_PER_PROVIDER)
            ]
            if slug in existing:
                continue
            _publish(index, provider, PUBLISHED_BASE - datetime.timedelta(days=30))
            providers.append(provider)
            add_live_children(provider, [page for page, _related in services])
            created.extend(services)
        bulk_children(created, TAG_NAMES)
    if created:
        backend = get_search_backend()
        backend.add_bulk(ProviderPage, providers)
        backend.add_bulk(ServicePage, [page for page, _related in created])
    return len(created)


def _provider_name(n: int, pool: dict, used: set[str]) -> str:
    """A realistic, unique provider name: a kind of organisation of its category and a Milan place or name
    («Polisportiva Navigli», «Cooperativa sociale Il Girasole»), never a serial number. Adds it to `used`."""
    kinds = pool["providers"]
    for step in range(len(kinds) * len(PROVIDER_NAMES)):
        name = f"{kinds[(n // 5 + step) % len(kinds)]} {PROVIDER_NAMES[(n * 7 + step) % len(PROVIDER_NAMES)]}"
        if name not in used:
            used.add(name)
            return name
    raise ValueError(f"no unused provider name left for provider {n}")


def _service_category(provider: ProviderPage, index: int) -> str:
    """The category of a provider's index-th service: its own, and for a provider admitted in two
    categories every fourth service in the second (a provider never offers outside its categories)."""
    categories = [row.category for row in provider.categories.all()]
    return categories[1] if len(categories) > 1 and index % 4 == 3 else categories[0]


def _provider(rng, n, name, slug, category) -> ProviderPage:
    street, municipio = rng.choice(STREETS)
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    page = ProviderPage(
        title=name,
        slug=slug,
        legal_name=name,
        legal_form=LEGAL_FORMS[n % len(LEGAL_FORMS)],
        tax_code=partita_iva(1000 + n),
        vat_number=partita_iva(1000 + n) if n % 3 else "",
        contact_person=person,
        contact_email=f"info@{slug[:30].strip('-')}.example.org",
        contact_phone=f"02 {rng.randint(1000000, 9999999)}",
        description=Template(TEXTS["provider_description"]).substitute(name=name, years=rng.randint(3, 30)),
        website=f"https://www.{slug[:30].strip('-')}.example.org",
    )
    page.offices = [ProviderOffice(address=f"{street} {rng.randint(1, 120)}, Milano", municipio=municipio)]
    second = CATEGORY_ORDER[(CATEGORY_ORDER.index(category) + 1) % len(CATEGORY_ORDER)]
    page.categories = [ProviderCategory(category=category)] + (
        [ProviderCategory(category=second)] if n % 4 == 0 else []
    )
    return page


def _challenges() -> dict[int, Page]:
    return {c.number: c for c in apps.get_model("challenges", "ChallengePage").objects.all()}


def _service(rng, number, category, challenges) -> tuple[ServicePage, dict]:
    category = Category(category)
    pool = CATEGORIES[category]
    service = rng.choice(pool["services"])
    title, summary = service["title"], service["summary"]
    age_min, age_max = service["ages"]  # the ages the activity fits (no judo for toddlers)
    is_free = rng.random() < 0.25
    unit = rng.choice(list(PriceUnit))
    amount = None if is_free else Decimal(rng.choice(PRICE_AMOUNTS[unit.value]))
    municipi = sorted(rng.sample(range(1, 10), rng.choice([1, 1, 2, 3, 9])))
    street, street_municipio = rng.choice(STREETS)
    lat, lng = MUNICIPIO_CENTRES[street_municipio]
    start = datetime.date(2026, rng.choice([9, 10, 11]), rng.choice([1, 8, 15]))
    profile = pool["profile"]
    disability = rng.random() < 0.2
    page = ServicePage(
        title=f"{title} — {rng.choice(TEXTS['title_variants'])}" if number % 3 else title,
        slug=f"{slugify(title)}-{number + 1}",
        category=category,
        summary=summary,
        description=Template(TEXTS["service_description"]).substitute(summary=summary, group_size=rng.randint(6, 20)),
        age_min=age_min,
        age_max=age_max,
        for_families=age_min < 3,
        for_disability=disability,
        for_special_needs=rng.random() < 0.25,
        at_premises=True,
        at_home=category in (Category.SALUTE, Category.SCUOLA_PLUS) and rng.random() < 0.3,
        online=category in (Category.STEM, Category.SCUOLA_PLUS) and rng.random() < 0.3,
        staff_qualification=service["qualification"],
        staff_experience_years=rng.choice([1, 2, 3, 5]),
        staff_references=rng.random() < 0.7,
        is_free=is_free,
        price_amount=amount,
        price_unit="" if is_free else unit.value,
        price_valid_from=datetime.date(2026, 9, 1),
        price_valid_until=datetime.date(2027, 7, 31),
        sharing=rng.choice(list(Sharing)).value,
        voucher_accepted=not is_free and rng.random() < 0.8,
        activation_procedure=rng.choice(ACTIVATION_PROCEDURES),
        max_wait_days=rng.choice([2, 3, 5, 7, 10]),
        start_date=start,
        end_date=datetime.date(2027, 6, rng.choice([15, 30])),
        places_available=rng.choice([None, 0, 4, 8, 12, 20]),
        descriptor_body=_jitter(rng, profile[0]),
        descriptor_relationships=_jitter(rng, profile[1]),
        descriptor_knowledge=_jitter(rng, profile[2]),
        descriptor_creativity=_jitter(rng, profile[3]),
        descriptor_self_determination=_jitter(rng, profile[4]),
        first_published_at=PUBLISHED_BASE + datetime.timedelta(hours=number * 3),
    )
    children = {
        ServiceActivity: [ServiceActivity(name=a) for a in rng.sample(pool["activities"], 3)],
        ServiceMunicipio: [ServiceMunicipio(municipio=m) for m in municipi],
    }
    children[ServiceLocation] = [
        ServiceLocation(
            address=f"{street} {rng.randint(1, 120)}, Milano",
            municipio=street_municipio,
            latitude=Decimal(f"{lat + rng.uniform(-0.01, 0.01):.6f}"),
            longitude=Decimal(f"{lng + rng.uniform(-0.01, 0.01):.6f}"),
        )
    ]
    children[ServiceContactHours] = [
        ServiceContactHours(weekday=day, opens=datetime.time(9), closes=datetime.time(13)) for day in range(5)
    ] + [
        ServiceContactHours(weekday=day, opens=datetime.time(14), closes=datetime.time(17, 30))
        for day in range(0, 5, 2)
    ]
    days = sorted(rng.sample(range(6), rng.choice([1, 2, 3])))
    hour = rng.choice([9, 15, 16, 17])
    children[ServiceSession] = [
        ServiceSession(weekday=d, start_time=datetime.time(hour), end_time=datetime.time(hour + 1, 30)) for d in days
    ]
    if not is_free and rng.random() < 0.3:
        children[ServicePriceTier] = [
            ServicePriceTier(min_participants=3, max_participants=5, price_per_participant=(amount * Decimal("0.8"))),
            ServicePriceTier(min_participants=6, max_participants=10, price_per_participant=(amount * Decimal("0.6"))),
        ]
    wanted = [2] if 6 <= age_min <= 14 else []
    wanted += [1] if age_min < 6 else []
    wanted += [3] if age_max >= 14 else []
    wanted += [5] if category == Category.SCUOLA_PLUS else []
    wanted += [6] if disability else []
    related = {
        "children": children,
        "challenges": [challenges[n] for n in wanted if n in challenges],
        "tags": service["tags"],
    }
    return page, related


def _jitter(rng, value: int) -> int:
    return max(0, min(5, value + rng.choice([-1, 0, 0, 1])))


def _editors() -> None:
    group = Group.objects.get(name=EDITORS_GROUP)
    for user in get_user_model().objects.filter(username__in=["redazione", "moderazione"]):
        user.groups.add(group)


def _demo_accounts(index) -> None:
    """ente1 and ente2 own (and administer) the first two providers, with a live, a draft and an in-moderation
    service each."""
    User = get_user_model()
    providers = list(ProviderPage.objects.child_of(index).order_by("path")[: len(DEMO_PROVIDER_ACCOUNTS)])
    for username, provider in zip(DEMO_PROVIDER_ACCOUNTS, providers, strict=False):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": provider.contact_person, "email": f"{username}@milano018.example"},
        )
        if created:
            user.password = demo_password_hash(DEMO_PASSWORD)
            user.save()
        user.groups.add(grant_provider_permissions(provider))
        ProviderAdministrator.objects.get_or_create(provider=provider, user=user)
        if provider.owner_id != user.pk:
            provider.owner = user
            provider.save(update_fields=["owner"])
        _owned_states(provider, user)


def _owned_states(provider, user) -> None:
    services = list(ServicePage.objects.child_of(provider).order_by("path"))
    if len(services) < 3 or WorkflowState.objects.filter(object_id=str(services[2].pk)).exists():
        return
    draft, moderated = services[1], services[2]
    ServicePage.objects.filter(pk__in=[draft.pk, moderated.pk]).update(owner=user)
    for page in (draft, moderated):
        page.owner = user
        page.title = f"{page.title} (bozza in revisione)" if page is moderated else f"{page.title} (nuova edizione)"
        page.save_revision(user=user, log_action=True)
    ServicePage.objects.filter(pk=draft.pk).update(live=False, has_unpublished_changes=True)
    moderated.refresh_from_db()
    moderated.get_workflow().start(moderated, user)

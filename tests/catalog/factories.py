"""Builders for catalogue tests: each builds only what it is asked for, with a full, valid service sheet."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from catalog.constants import EDITORS_GROUP, LegalForm, Sharing
from catalog.models import (
    CatalogIndexPage,
    CategoryPage,
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
from catalog.workflow import grant_provider_permissions
from core.vocabularies import Category, PriceUnit


def vat(number: int) -> str:
    from catalog.demo import partita_iva

    return partita_iva(number)


def catalog_tree(home):
    catalog = home.add_child(instance=CatalogIndexPage(title="Catalogo", slug="catalogo"))
    categories = {
        code: catalog.add_child(
            instance=CategoryPage(title=str(code.label), slug=code.value, category=code, description=f"{code.label}.")
        )
        for code in (Category.SPORT, Category.ARTE)
    }
    index = catalog.add_child(instance=ProviderIndexPage(title="Enti", slug="enti"))
    return catalog, categories, index


def provider(index, name="Ente Uno", number=1, **fields) -> ProviderPage:
    page = ProviderPage(
        title=name,
        legal_name=f"{name} APS",
        legal_form=LegalForm.THIRD_SECTOR,
        tax_code=vat(number),
        contact_person="Giulia Rossi",
        contact_email="info@ente.example.org",
        contact_phone="02 1234567",
        description="<p>Un ente del quartiere.</p>",
        **fields,
    )
    page.offices = [ProviderOffice(address="Via Padova 1, Milano", municipio=2)]
    page.categories = [ProviderCategory(category=Category.ARTE)]
    index.add_child(instance=page)
    return page


def service(parent, title="Corsi di teatro", live=True, published_at=None, **fields) -> ServicePage:
    values = {
        "category": Category.ARTE,
        "summary": "Laboratorio teatrale per esprimersi con la voce e il corpo.",
        "description": "<p>Improvvisazione, voce e movimento in gruppo.</p>",
        "age_min": 6,
        "age_max": 14,
        "for_disability": True,
        "for_special_needs": True,
        "at_premises": True,
        "at_home": True,
        "staff_qualification": "Attore e formatore teatrale",
        "staff_experience_years": 1,
        "staff_references": True,
        "is_free": False,
        "price_amount": Decimal("25.00"),
        "price_unit": PriceUnit.SESSION,
        "price_valid_from": datetime.date(2026, 9, 1),
        "price_valid_until": datetime.date(2027, 7, 31),
        "sharing": Sharing.BOTH,
        "voucher_accepted": True,
        "activation_procedure": "Per attivare il servizio è necessario un colloquio telefonico.",
        "max_wait_days": 5,
        "start_date": datetime.date(2026, 10, 1),
        "end_date": datetime.date(2027, 5, 31),
        "places_available": 12,
        "descriptor_body": 3,
        "descriptor_relationships": 5,
        "descriptor_knowledge": 2,
        "descriptor_creativity": 4,
        "descriptor_self_determination": 0,
    }
    values.update(fields)
    page = ServicePage(title=title, live=live, **values)
    if live:
        page.first_published_at = page.last_published_at = published_at or datetime.datetime(
            2026, 9, 1, tzinfo=datetime.UTC
        )
    page.activities = [ServiceActivity(name="Improvvisazione"), ServiceActivity(name="Dizione")]
    page.served_municipi = [ServiceMunicipio(municipio=5), ServiceMunicipio(municipio=6)]
    page.locations = [
        ServiceLocation(
            name="Teatro di quartiere",
            address="Via Ripamonti 10, Milano",
            municipio=5,
            latitude=Decimal("45.440000"),
            longitude=Decimal("9.200000"),
        )
    ]
    page.contact_hours = [
        ServiceContactHours(weekday=d, opens=datetime.time(9), closes=datetime.time(13)) for d in range(5)
    ] + [ServiceContactHours(weekday=d, opens=datetime.time(14), closes=datetime.time(17, 30)) for d in range(5)]
    page.sessions = [
        ServiceSession(weekday=2, start_time=datetime.time(17), end_time=datetime.time(18, 30)),
        ServiceSession(weekday=5, start_time=datetime.time(10), end_time=datetime.time(12)),
    ]
    page.price_tiers = [
        ServicePriceTier(min_participants=3, max_participants=5, price_per_participant=Decimal("20.00"))
    ]
    parent.add_child(instance=page)
    return page


def user(username, groups=(), **fields):
    account = get_user_model().objects.create_user(
        username=username, password="pw-test-1234", email=f"{username}@example.org", **fields
    )
    account.groups.set(Group.objects.filter(name__in=groups))
    return account


def provider_user(username, provider_page):
    account = user(username)
    account.groups.add(grant_provider_permissions(provider_page))
    return account


def editor(username="redattrice"):
    return user(username, groups=[EDITORS_GROUP])

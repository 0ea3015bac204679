"""The catalogue's models, split along the domain; every model is re-exported so `catalog.models.X` keeps working.

- `pages`: the catalogue index, the five category pages, the register of providers (index)
- `providers`: Scheda Ente (ProviderPage) and its admin form
- `services`: Scheda Servizio (ServicePage), its admin form, `live_services()`
- `inlines`: the rows the two sheets hold (offices, documents, categories; activities, places, prices, hours...)
- `register`: applications to the Elenco Milano 0-18
- `operators`: the provider-side admins who invite and remove a provider's operators
- `routing`: one-query routing helpers

Code outside `catalog` reads a service through `catalog.facts`, not through these models.
"""

from catalog.models.inlines import (
    ProviderCategory,
    ProviderDocument,
    ProviderOffice,
    ServiceActivity,
    ServiceContactHours,
    ServiceImage,
    ServiceLocation,
    ServiceMunicipio,
    ServicePriceTier,
    ServiceSession,
    ServiceTag,
)
from catalog.models.operators import ProviderAdministrator
from catalog.models.pages import CatalogIndexPage, CategoryPage, ProviderIndexPage
from catalog.models.providers import ProviderPage, ProviderPageForm
from catalog.models.register import ApplicationAttachment, ApplicationCategory, RegisterApplication
from catalog.models.routing import route_to_specific_child, service_under
from catalog.models.services import RICH_TEXT_FEATURES, ServicePage, ServicePageForm, live_services

__all__ = [
    "RICH_TEXT_FEATURES",
    "ApplicationAttachment",
    "ApplicationCategory",
    "CatalogIndexPage",
    "CategoryPage",
    "ProviderAdministrator",
    "ProviderCategory",
    "ProviderDocument",
    "ProviderIndexPage",
    "ProviderOffice",
    "ProviderPage",
    "ProviderPageForm",
    "RegisterApplication",
    "ServiceActivity",
    "ServiceContactHours",
    "ServiceImage",
    "ServiceLocation",
    "ServiceMunicipio",
    "ServicePage",
    "ServicePageForm",
    "ServicePriceTier",
    "ServiceSession",
    "ServiceTag",
    "live_services",
    "route_to_specific_child",
    "service_under",
]

"""The site's URLs plus a JSON endpoint that refuses: how the API answers a DomainError (pytest.mark.urls)."""

from django.urls import path

from booking.vouchers import InsufficientBalance
from config import urls as site_urls


def refusing_endpoint(request):
    raise InsufficientBalance()


urlpatterns = [path("api/v1/refuse/", refusing_endpoint), *site_urls.urlpatterns]

"""The message thread of a request, between the family and the provider."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from booking import emails
from booking.models import Message, ServiceRequest
from booking.quotes import family_url


def post_message(request: ServiceRequest, *, sender, from_family: bool, body: str, attachment=None) -> Message:
    """Add a message to the thread and email the other side after commit."""
    with transaction.atomic():
        message = Message.objects.create(
            request=request, sender=sender, from_family=from_family, body=body, attachment=attachment or ""
        )
        if from_family:
            to = emails.provider_address(request.provider_id)
            url = reverse("booking_provider_request", args=[request.pk])
        else:
            to, url = emails.family_address(request.guardian), family_url(request)
        emails.notify("message_received", to, {"request": request, "url": url})
    return message


def mark_read(request: ServiceRequest, *, reader_is_family: bool) -> None:
    """Opening the thread reads what the other side wrote."""
    Message.objects.filter(request=request, from_family=not reader_is_family, read_at__isnull=True).update(
        read_at=timezone.now()
    )

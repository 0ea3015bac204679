"""The voucher call's pages are valid HTML (Nu HTML Checker): the family's call page before and after applying, the
application form with errors, the appeal form and the public ranking."""

import pytest
from django.urls import reverse

from tests.htmlcheck import html_errors
from tests.vouchercall.factories import apply, make_call, make_family
from vouchercall import services
from vouchercall.models import Ranking

pytestmark = pytest.mark.django_db


def test_the_voucher_call_pages_are_valid_html(client):
    import datetime

    call = make_call()
    guardian, _children = make_family(datetime.date(2015, 6, 2))
    client.force_login(guardian.user)
    documents = {
        "bandi": client.get(reverse("vouchercall:calls")).content.decode(),
        "bando senza domanda": client.get(reverse("vouchercall:call", args=[call.pk])).content.decode(),
        "modulo con errori": client.post(reverse("vouchercall:apply", args=[call.pk]), {}).content.decode(),
    }
    application = apply(call, guardian)
    documents["bando con domanda"] = client.get(reverse("vouchercall:call", args=[call.pk])).content.decode()
    now = datetime.datetime.now(tz=datetime.UTC)
    type(call).objects.filter(pk=call.pk).update(
        opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(days=1)
    )
    ranking = services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=None)
    documents["bando con posizione"] = client.get(reverse("vouchercall:call", args=[call.pk])).content.decode()
    documents["riesame"] = client.get(reverse("vouchercall:appeal", args=[call.pk])).content.decode()
    documents["graduatoria pubblica"] = client.get(
        reverse("vouchercall_public:ranking", args=[ranking.pk]) + f"?protocollo={application.protocol}"
    ).content.decode()
    assert html_errors(documents) == {}

"""`core.reference_index.deferred_reference_index`: Wagtail's reference index written once per object when the block
ends, with the rows Wagtail writes after each save, and nothing Wagtail would not write."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from booking import vouchers
from core.audit import log_action
from core.models import AuditEntry
from core.reference_index import deferred_reference_index
from home.demo import call_to_action, stream
from tests.booking.factories import make_wallet
from tests.home.factories import ContentPageFactory

pytestmark = pytest.mark.django_db


def references(page) -> set[tuple[str, str]]:
    """(model path, referenced id) of the index rows recorded for `page`."""
    return set(ReferenceIndex.objects.filter(object_id=str(page.pk)).values_list("model_path", "to_object_id"))


def linking_page(parent, target):
    """A content page under `parent` whose body's call to action leads to `target`."""
    return ContentPageFactory(parent=parent, body=stream(call_to_action("Scopri", "Testo", "Vai", page=target)))


def test_references_are_written_when_the_block_ends_as_wagtail_writes_them_after_a_save(home_page):
    expected = {("body.call_to_action.page", str(home_page.pk))}
    assert references(linking_page(home_page, home_page)) == expected  # Wagtail's own update, after the save

    with deferred_reference_index():
        page = linking_page(home_page, home_page)
        page.title = "Salvata due volte"
        page.save()
        assert not references(page)
    assert references(page) == expected


def test_what_wagtail_skips_stays_skipped_and_a_deleted_page_is_left_out(home_page):
    with deferred_reference_index():
        with disable_reference_index_auto_update():
            skipped = linking_page(home_page, home_page)
        gone = linking_page(home_page, home_page)
        gone_pk = gone.pk
        gone.delete()
    assert not references(skipped)
    assert not ReferenceIndex.objects.filter(object_id=str(gone_pk)).exists()


def test_nothing_is_written_when_the_block_fails(home_page):
    with pytest.raises(RuntimeError), deferred_reference_index():
        page = linking_page(home_page, home_page)
        raise RuntimeError("the load stops here")
    assert not references(page)
    # Saves after the block are indexed by Wagtail again, one by one.
    page.save()
    assert references(page) == {("body.call_to_action.page", str(home_page.pk))}


def test_audit_and_ledger_entries_are_left_out_of_the_index_and_a_wallet_is_still_in_it(client):
    """AppendOnlyModel sets `wagtail_reference_index_ignore`: its rows record no references, whether or not the admin's
    viewsets (which register their models with the index) are loaded; a wallet's references are still recorded."""
    client.get("/admin/login/")  # loads the admin's URLs, and with them the viewsets that register their models
    officer = get_user_model().objects.create_user("ufficio", "ufficio@example.org", "una-password-lunga-44")
    wallet = make_wallet("30.00", actor=officer)
    entry = vouchers.grant(wallet, "10.00", actor=officer)
    log_action(officer, "voucher.wallet.suspended", wallet, {})

    assert not ReferenceIndex.is_indexed(AuditEntry)
    assert not ReferenceIndex.is_indexed(type(entry))
    assert ReferenceIndex.is_indexed(type(wallet))
    sources = set(ReferenceIndex.get_references_to(officer).values_list("base_content_type__model", "object_id"))
    assert sources == {("wallet", str(wallet.pk))}

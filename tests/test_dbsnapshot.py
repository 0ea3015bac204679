"""A transactional test's flush (tests/dbsnapshot.py `keep_migrated`) puts back exactly the rows the migrations left,
whatever the test changed: rows added, updated or deleted in tables the snapshot keeps, rows in the others."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import F

from tests.dbsnapshot import MIGRATED, _django_tables, restore_snapshot


def _rows() -> dict[str, list[str]]:
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in _django_tables(connection):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            found[table] = sorted(map(repr, cursor.fetchall()))
    return found


def _update_a_permission():
    Permission.objects.filter(pk=Permission.objects.order_by("pk")[0].pk).update(name="cambiato")


def _delete_a_permission():
    Permission.objects.order_by("-pk")[0].delete()


def _rewrite_a_group_unchanged():
    Group.objects.filter(pk=Group.objects.order_by("pk")[0].pk).update(name=F("name"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "changes_rows"),
    [
        (lambda: None, False),
        (_update_a_permission, True),
        (_delete_a_permission, True),
        (lambda: Group.objects.create(name="nuovo gruppo"), True),
        (lambda: get_user_model().objects.create(username="utente-nuovo"), True),
        (_rewrite_a_group_unchanged, False),
    ],
    ids=["nothing", "update-kept", "delete-kept", "insert-kept", "insert-other", "same-rows-rewritten"],
)
def test_restoring_puts_back_exactly_the_migrated_rows(change, changes_rows):
    migrated = _rows()
    assert migrated["auth_permission"] and not migrated["auth_user"]
    for _ in range(2):  # the second time, the kept tables hold what the first restore wrote
        change()
        assert (_rows() != migrated) is changes_rows
        restore_snapshot(MIGRATED)
        assert _rows() == migrated

"""The copy migration keeps the whole history of StateLog and ApplicationTransition in the audit trail.

Only the copy and the two migrations that drop the old tables are unapplied and applied again (Django's executor with
an explicit plan): the old tables come back exactly as they were (no later migration touches them, and the audit
trail's table is unchanged since core 0002), the rows go in through the migration state's models, and the real
migrations run on them. Migrating every app back to that point and forward again rendered the project state once
per later migration, ~100 s of CPU for the same check.

The project's migrations are squashed (a fresh database, like the test database, is built by the squashes), so these
three nodes are not in Django's default graph: the executor here loads the migrations as first written
(`history_executor`). Django records every replaced migration as applied when it applies a squash, so they are
applied on the test database too.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

#: The copy first, then the two drops that depend on it (the forward order).
MIGRATIONS = [
    ("core", "0003_copy_state_history"),
    ("booking", "0007_statelog_moved_to_audit_trail"),
    ("catalog", "0007_applicationtransition_moved_to_audit_trail"),
]


def history_executor() -> MigrationExecutor:
    """An executor on the migrations as first written: every squash taken out of the graph, its replaced ones kept.

    The squashes' dependants are pointed at the last migration each replaced, as Django does with a squash that is
    partially applied.
    """
    executor = MigrationExecutor(connection)
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    for key, squash in executor.loader.replacements.items():
        executor.loader.graph.remove_replacement_node(key, squash.replaces)
    return executor


@pytest.mark.django_db(transaction=True)
def test_old_state_logs_and_application_transitions_become_audit_entries():
    executor = history_executor()
    migrations = [executor.loader.graph.nodes[key] for key in MIGRATIONS]
    assert all(key in executor.loader.applied_migrations for key in MIGRATIONS)
    old = executor.migrate([], plan=[(migration, True) for migration in reversed(migrations)]).apps
    assert {"booking_statelog", "catalog_applicationtransition"} <= set(connection.introspection.table_names())
    User = old.get_model("auth", "User")
    ContentType = old.get_model("contenttypes", "ContentType")
    StateLog = old.get_model("booking", "StateLog")
    RegisterApplication = old.get_model("catalog", "RegisterApplication")
    ApplicationTransition = old.get_model("catalog", "ApplicationTransition")

    staff = User.objects.create(username="ente-uno")
    editor = User.objects.create(username="redattrice")
    request_type, _ = ContentType.objects.get_or_create(app_label="booking", model="servicerequest")
    order_type, _ = ContentType.objects.get_or_create(app_label="booking", model="order")
    then = timezone.now() - datetime.timedelta(days=30)
    StateLog.objects.create(
        content_type=request_type,
        object_id=7,
        from_state="sent",
        to_state="declined",
        actor=staff,
        note="Posti esauriti",
        created_at=then,
    )
    StateLog.objects.create(
        content_type=order_type,
        object_id=3,
        from_state="awaiting_payment",
        to_state="paid",
        actor=None,
        created_at=then + datetime.timedelta(hours=1),
    )
    application = RegisterApplication.objects.create(
        organisation_name="Teatro dei Ragazzi",
        legal_form="ets",
        tax_code="01234567897",
        address="Via Padova 10",
        email="a@example.org",
        phone="02",
        representative_name="Mario Rossi",
        representative_tax_code="X",
        contact_email="b@example.org",
    )
    ApplicationTransition.objects.create(application=application, from_status="", to_status="submitted")
    ApplicationTransition.objects.create(
        application=application, from_status="submitted", to_status="rejected", by=editor, note="Manca lo statuto."
    )

    executor = history_executor()
    assert not any(key in executor.loader.applied_migrations for key in MIGRATIONS)
    executor.migrate([], plan=[(migration, False) for migration in migrations])
    assert all(key in history_executor().loader.applied_migrations for key in MIGRATIONS)

    from core.models import AuditEntry

    rows = list(
        AuditEntry.objects.order_by("timestamp", "pk").values_list(
            "action", "object_id", "from_state", "to_state", "actor__username", "actor_label", "reason"
        )
    )
    assert rows[:2] == [
        ("booking.request.declined", 7, "sent", "declined", "ente-uno", "ente-uno", "Posti esauriti"),
        ("booking.order.paid", 3, "awaiting_payment", "paid", None, "", ""),
    ]
    assert rows[2:] == [
        ("catalog.application.submitted", application.pk, "", "submitted", None, "richiedente", ""),
        (
            "catalog.application.rejected",
            application.pk,
            "submitted",
            "rejected",
            "redattrice",
            "redattrice",
            "Manca lo statuto.",
        ),
    ]
    assert AuditEntry.objects.filter(action="booking.request.declined").get().timestamp == then
    tables = connection.introspection.table_names()
    assert "booking_statelog" not in tables
    assert "catalog_applicationtransition" not in tables

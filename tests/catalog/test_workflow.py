"""The «Revisione del Comune» workflow: providers submit, the City's editors approve or ask for changes."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Task, Workflow, WorkflowState

from catalog.constants import EDITORS_GROUP, TASK_NAME, WORKFLOW_NAME
from catalog.models import ServicePage
from catalog.workflow import ensure_moderation_workflow
from tests.catalog import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(tree):
    provider = factories.provider(tree["index"])
    owner = factories.provider_user("ente1", provider)
    page = factories.service(provider, title="Nuovo corso", live=False)
    page.save_revision(user=owner)
    page.get_workflow().start(page, owner)
    return ServicePage.objects.get(pk=page.pk), owner


def test_the_migration_created_the_workflow_and_the_editors_group():
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    task = Task.objects.get(name=TASK_NAME).specific
    assert list(workflow.tasks.specific()) == [task]
    assert list(task.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    group = Group.objects.get(name=EDITORS_GROUP)
    assert group.permissions.filter(codename="access_admin").exists()


def test_ensure_is_idempotent():
    ensure_moderation_workflow()
    ensure_moderation_workflow()
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert Task.objects.filter(name=TASK_NAME).count() == 1


def test_provider_pages_follow_the_workflow_but_the_minisite_does_not(tree):
    provider = factories.provider(tree["index"])
    assert provider.get_workflow().name == WORKFLOW_NAME
    assert tree["categories"]["arte"].get_workflow().name != WORKFLOW_NAME


def test_provider_cannot_approve_its_own_submission(submitted):
    page, owner = submitted
    assert page.workflow_in_progress
    assert page.current_workflow_task.get_actions(page, owner) == []


def test_editor_approves_and_the_service_goes_live(submitted):
    page, _owner = submitted
    editor = factories.editor()
    task = page.current_workflow_task
    assert [name for name, _label, _modal in task.get_actions(page, editor)][:2] == ["reject", "approve"]
    task.on_action(page.current_workflow_task_state, editor, "approve")
    page.refresh_from_db()
    assert page.live
    assert WorkflowState.objects.get(object_id=str(page.pk)).status == WorkflowState.STATUS_APPROVED


def test_editor_requests_changes_with_a_comment_the_provider_sees(client, submitted):
    page, owner = submitted
    editor = factories.editor()
    state = page.current_workflow_task_state
    state.task.specific.on_action(state, editor, "reject", comment="Indica il prezzo per gruppi.")
    page.refresh_from_db()
    assert not page.live
    workflow_state = WorkflowState.objects.get(object_id=str(page.pk))
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    client.force_login(owner)
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "Indica il prezzo per gruppi." in response.content.decode()

"""Every management command of the project runs from the command line the way a person types it.

A command whose class redefines one of BaseCommand's own methods (``check``, ``execute``, ...) breaks
``manage.py`` while ``call_command(..., skip_checks=True)`` still works: issue 18 item 5 hid that way.
Every command's ``manage.py <name> --help`` runs through manage.py in one child process (tests/commandline.py),
each with its own exit code and output, so a broken command still fails its own test. That child's first step,
while its interpreter is still fresh, is the web worker's start (tests/config/test_worker_imports.py): one Django
start for both.
"""

import inspect
import json
import os
from importlib import import_module

import pytest
from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand

from tests.commandline import run_steps
from tests.config.test_worker_imports import BOOT

ROOT = settings.BASE_DIR
# The hooks a command is meant to fill in; everything else BaseCommand defines is Django's machinery.
HOOKS = {"add_arguments", "handle", "__init__"}


def project_commands() -> dict[str, str]:
    """{command name: app module} for the commands that live in this repository (not Django's, not Wagtail's)."""
    return {
        name: app
        for name, app in get_commands().items()
        if isinstance(app, str)
        and ((ROOT / app.replace(".", "/")).exists() or (ROOT / "site" / app.replace(".", "/")).exists())
    }


def test_the_project_has_its_commands():
    assert {"catalogue_index", "load_demo", "expire_bookings", "expire_vouchers"} <= set(project_commands())


@pytest.mark.parametrize("name", sorted(project_commands()))
def test_no_command_redefines_basecommand_machinery(name):
    command = import_module(f"{project_commands()[name]}.management.commands.{name}").Command
    machinery = {attr for attr, value in vars(BaseCommand).items() if inspect.isfunction(value)} - HOOKS
    shadowed = sorted(attr for attr in machinery if attr in vars(command))
    assert shadowed == [], f"{name} redefines BaseCommand.{shadowed}: manage.py {name} would call it"


@pytest.fixture(scope="module")
def child() -> dict:
    """One child process under config.settings.test: {"worker": the web worker's start (`BOOT`), run first, then
    each project command's name: its `manage.py <name> --help` step}."""
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["PYTHONPATH"] = str(ROOT / "site")
    names = sorted(project_commands())
    steps = run_steps([BOOT, *([name, "--help"] for name in names)], env)
    return dict(zip(["worker", *names], steps, strict=True))


def test_loading_the_urlconf_imports_neither_pypdf_nor_the_saml_stack(child):
    result = child["worker"]
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("name", sorted(project_commands()))
def test_every_command_answers_help_through_manage_py(name, child):
    result = child[name]
    assert result.returncode == 0, result.stderr
    assert f"manage.py {name}" in result.stdout

"""pytest plugin: one real search engine node per test run, shared by every xdist worker.

The controlling pytest process (the only one without xdist) owns a temporary directory, passed to
the workers in `MILANO018_TEST_ENGINE_DIR`. The first test that asks for `search_engine` starts the
node under an exclusive lock on that directory and writes its URL to `engine.json`; every other
worker finds the file and reuses the node. The node watches the controlling process and exits with
it; `pytest_unconfigure` also stops it at once and removes the directory. Nothing starts when no
selected test needs the engine.

Without Java or Maven the engine tests are skipped with the reason; in CI (CI=true) they fail.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.engines import node
from tests.services import missing_service

DIR_VARIABLE = "MILANO018_TEST_ENGINE_DIR"


def unavailable(reason: str) -> None:
    """Skip (a laptop without Java) or fail (CI, where the engine is part of the contract)."""
    missing_service(f"search engine: {reason}")


def pytest_configure(config):
    if not hasattr(config, "workerinput") and DIR_VARIABLE not in os.environ:
        config._milano018_engine_dir = tempfile.mkdtemp(prefix="milano018-engine-")
        os.environ[DIR_VARIABLE] = config._milano018_engine_dir


def pytest_unconfigure(config):
    owned = getattr(config, "_milano018_engine_dir", None)
    if not owned:
        return
    state = Path(owned) / "engine.json"
    if state.exists():
        pid = json.loads(state.read_text()).get("pid")
        if pid:
            node.stop(pid)
    shutil.rmtree(owned, ignore_errors=True)
    os.environ.pop(DIR_VARIABLE, None)


def _controller_pid() -> int:
    # xdist workers are direct children of the controlling pytest process.
    return os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()


@pytest.fixture(scope="session")
def search_engine() -> node.Engine:
    """The URL (and pid) of the real engine node, started on first use for the whole run."""
    shared = Path(os.environ.get(DIR_VARIABLE) or tempfile.mkdtemp(prefix="milano018-engine-"))
    shared.mkdir(parents=True, exist_ok=True)
    state = shared / "engine.json"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if state.exists():
            known = json.loads(state.read_text())
        else:
            try:
                engine = node.start(shared / "node", _controller_pid(), jvm_options=node.TEST_RUN_OPTIONS)
                known = {"url": engine.url, "pid": engine.pid}
            except node.EngineUnavailable as error:
                known = {"error": str(error)}
            state.write_text(json.dumps(known))
    if "error" in known:
        unavailable(f"{node.ENGINE} did not start: {known['error']}")
    return node.Engine(known["url"], known["pid"])

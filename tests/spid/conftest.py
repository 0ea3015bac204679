"""spid-sp-test, AgID's conformance tool, run against this site's SP on a live server.

spid-sp-test pins libraries the site also uses (packaging, pyparsing...), so it lives in a virtualenv of its
own, .venv-spid, created by `scripts/setup --tests`, and is called as a program. Without it the tests are
skipped locally and fail when CI=true.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.browser.content import fresh_home
from tests.services import missing_service

ROOT = Path(__file__).resolve().parent.parent.parent
SPID_SP_TEST = Path(os.environ.get("SPID_SP_TEST", ROOT / ".venv-spid" / "bin" / "spid_sp_test"))
# The IdP spid-sp-test plays; its metadata is what `spid_sp_test --idp-metadata` prints.
TEST_IDP = "https://localhost:8443"


def tool() -> Path:
    if not SPID_SP_TEST.exists():
        message = f"spid-sp-test not found at {SPID_SP_TEST}: run scripts/setup --tests (or set SPID_SP_TEST)"
        missing_service(message)
    return SPID_SP_TEST


def run_tool(*args: str, report: Path | None = None) -> dict:
    """Run spid_sp_test with `args`; returns its JSON report ({"test": {"sp": {category: ...}}})."""
    command = [str(tool()), *args, "--debug", "ERROR", "--exit-zero"]
    if report is not None:
        command += ["-rf", "json", "-o", str(report)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(report.read_text()) if report is not None else {"stdout": result.stdout}


@pytest.fixture(scope="session")
def test_idp_metadata(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spid-sp-test") / "idp-metadata.xml"
    path.write_text(run_tool("--idp-metadata")["stdout"])
    return path


@pytest.fixture
def spid_sp(settings, live_server, test_idp_metadata, tmp_path):
    """The SP configured as production would be, with spid-sp-test's IdP as its identity provider.

    The live server gets a Site of its own (a transactional test starts from a flushed database): the anomaly
    pages render the site's header and footer.
    """
    fresh_home()
    settings.SPID_IDP_METADATA_FILES = [str(test_idp_metadata)]
    settings.SPID_DEV_KEY_DIR = tmp_path / "keys"
    settings.SPID_SP_ENTITY_ID = "https://milano018.example/spid"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    return live_server

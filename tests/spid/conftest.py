"""spid-sp-test, AgID's conformance tool, run against this site's SP on a live server.

spid-sp-test pins libraries the site also uses (packaging, pyparsing...), so it lives in a virtualenv of its
own, .venv-spid, created by `scripts/setup --tests`, and is called as a program. Without it the tests are
skipped locally and fail when CI=true.

Its start costs more CPU than most of a run (pysaml2 builds its XML schema validator on import): one process of
the tool's own interpreter, started on first use and kept for the session, runs every command line the tests give
it, one after the other, exactly as ``spid_sp_test <args>`` would (its own argument parsing, checks and exit code).
"""

import json
import os
import selectors
import subprocess
import time
from pathlib import Path

import pytest

from tests.browser.content import fresh_home
from tests.services import missing_service

ROOT = Path(__file__).resolve().parent.parent.parent
SPID_SP_TEST = Path(os.environ.get("SPID_SP_TEST", ROOT / ".venv-spid" / "bin" / "spid_sp_test"))
# The IdP spid-sp-test plays; its metadata is what `spid_sp_test --idp-metadata` prints.
TEST_IDP = "https://localhost:8443"

#: Runs the spid_sp_test script once per JSON line read on stdin ([arguments...]), in this one interpreter, and
#: answers each with one JSON line ({"returncode", "stdout"}) on the process's original standard output, which
#: nothing else writes to: the script's own output is captured, and its child processes (xmlsec1) write to stderr.
#:
#: What the tool redoes for every response case although its result cannot change within the process is done once
#: (the cases, their checks and what they send stay the tool's):
#: - pysaml2 asks the xmlsec1 binary its version (`xmlsec1 --version`, a process) before each of the two signatures
#:   of a case, to choose its flags: half of the run's xmlsec1 processes. The answer is kept per binary.
#: - Each case builds a new jinja2 Environment and compiles its response template again, and the attribute and
#:   signature snippets on every use: environments get a bytecode cache in memory (jinja2's own, keyed by the
#:   template's name and checked against its source), and a snippet's Template is kept per source text.
#: - The metadata and AuthnRequest checks build their XML Schema (xmlschema, ~40 imported files) at each run: one is
#:   kept per schema file (and its modification time) for the later runs; each validation still runs.
#: - Each case starts from a new requests Session (no cookies), and with it a new connection pool: a new TCP
#:   connection, for which the live server starts a thread that opens a database connection of its own (PostgreSQL:
#:   a server process and a SCRAM authentication each time). Every Session shares one connection pool (requests'
#:   HTTPAdapter, which holds no cookies), so the live server keeps its thread and connection from case to case;
#:   cookies still start empty for each case.
DRIVER = r"""
import contextlib, functools, io, json, os, runpy, sys, traceback, types

import jinja2
import requests
import saml2.sigver
import spid_sp_test.authn_request
import spid_sp_test.metadata
import spid_sp_test.response
import xmlschema

versions, ask_version = {}, saml2.sigver.CryptoBackendXmlSec1.version.fget


def xmlsec_version(backend):
    if backend.xmlsec not in versions:
        versions[backend.xmlsec] = ask_version(backend)
    return versions[backend.xmlsec]


saml2.sigver.CryptoBackendXmlSec1.version = property(xmlsec_version)


class Compiled(dict):
    def set(self, key, value, timeout=None):
        self[key] = value


spid_sp_test.response.Environment = functools.partial(
    jinja2.Environment, bytecode_cache=jinja2.MemcachedBytecodeCache(Compiled())
)
spid_sp_test.response.Template = functools.cache(jinja2.Template)

schemas = {}


def kept_schema(source):
    path = os.path.realpath(source.name)
    key = (path, os.stat(path).st_mtime_ns)
    if key not in schemas:
        schemas[key] = xmlschema.XMLSchema(source)
    return schemas[key]


spid_sp_test.authn_request.xmlschema = spid_sp_test.metadata.xmlschema = types.SimpleNamespace(XMLSchema=kept_schema)

connections, new_session = requests.adapters.HTTPAdapter(), requests.Session.__init__


def session_with_kept_connections(session):
    new_session(session)
    session.mount("http://", connections)


requests.Session.__init__ = session_with_kept_connections

SCRIPT = sys.argv[1]
answers = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
for line in sys.stdin:
    sys.argv = [SCRIPT, *json.loads(line)]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(SCRIPT, run_name="__main__")
        code = 0
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else 0 if end.code is None else 1
    except Exception:
        traceback.print_exc()
        code = 1
    sys.stderr.flush()
    answers.write(json.dumps({"returncode": code, "stdout": out.getvalue()}) + "\n")
    answers.flush()
"""


def tool() -> Path:
    if not SPID_SP_TEST.exists():
        message = f"spid-sp-test not found at {SPID_SP_TEST}: run scripts/setup --tests (or set SPID_SP_TEST)"
        missing_service(message)
    return SPID_SP_TEST


def interpreter(script: Path) -> str:
    """The Python that `script` names on its first line (its virtualenv's), else the one beside it."""
    first = script.read_text().splitlines()[0]
    return first[2:].strip() if first.startswith("#!") else str(script.parent / "python")


#: The variables the tool's process inherits (and the locale's LC_*): its programs are found on PATH (xmlsec1,
#: openssl, which), its temporary files go to TMPDIR.
TOOL_ENVIRONMENT = {"PATH", "HOME", "LANG", "LANGUAGE", "TMPDIR", "TZ", "XMLSEC1_BIN"}


class Tool:
    """One spid-sp-test process for the session; `run` gives it a command line and waits for its answer.

    xmlsec1, which the tool starts twice for every response it signs, reads the system's CA bundle at each start
    (about 20 ms of CPU, most of its work) though signing never consults it, and the tool's signature checks run it
    with ``--insecure``: its environment points OpenSSL's bundle at an empty file. The tool only speaks plain http
    to the live server, so nothing else reads the bundle.

    The environment holds only what the tool and its programs use (`TOOL_ENVIRONMENT`): requests scans the whole
    environment for proxy settings several times for every request it sends (~1,100 scans per run), and a CI
    machine's environment holds dozens of variables; the live server on localhost is reached without a proxy either way.
    """

    def __init__(self, script: Path, stderr: Path):
        self.stderr_path = stderr
        self.stderr = stderr.open("w+")
        env = {name: value for name, value in os.environ.items() if name in TOOL_ENVIRONMENT or name.startswith("LC_")}
        env["SSL_CERT_FILE"] = os.devnull
        self.process = subprocess.Popen(
            [interpreter(script), "-c", DRIVER, os.path.abspath(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
        )
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)

    def run(self, *args: str, timeout: int = 900) -> dict:
        """Run ``spid_sp_test *args``; returns {"returncode", "stdout"}. Raises AssertionError, with what the tool
        wrote on stderr, when the process died or gave no answer in `timeout` seconds."""
        self.process.stdin.write((json.dumps(args) + "\n").encode())
        self.process.stdin.flush()
        answer, deadline = b"", time.monotonic() + timeout
        while not answer.endswith(b"\n"):
            left = deadline - time.monotonic()
            chunk = os.read(self.process.stdout.fileno(), 1 << 16) if left > 0 and self.selector.select(left) else b""
            assert chunk, f"spid_sp_test {' '.join(args)} gave no answer:\n{self.stderr_path.read_text()}"
            answer += chunk
        return json.loads(answer)

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.selector.close()
        self.stderr.close()


@pytest.fixture(scope="session")
def spid_sp_test(tmp_path_factory):
    """The session's spid-sp-test process (`Tool`)."""
    running = Tool(tool(), tmp_path_factory.mktemp("spid-sp-test-stderr") / "stderr.txt")
    yield running
    running.close()


def run_tool(spid_sp_test: Tool, *args: str, report: Path | None = None) -> dict:
    """Run spid_sp_test with `args`; returns its JSON report ({"test": {"sp": {category: ...}}}), or without
    `report` {"stdout": what it printed}."""
    command = [*args, "--debug", "ERROR", "--exit-zero"]
    if report is not None:
        command += ["-rf", "json", "-o", str(report)]
    result = spid_sp_test.run(*command)
    assert result["returncode"] == 0, result["stdout"] + spid_sp_test.stderr_path.read_text()
    return json.loads(report.read_text()) if report is not None else {"stdout": result["stdout"]}


@pytest.fixture(scope="session")
def test_idp_metadata(spid_sp_test, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spid-sp-test") / "idp-metadata.xml"
    path.write_text(run_tool(spid_sp_test, "--idp-metadata")["stdout"])
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

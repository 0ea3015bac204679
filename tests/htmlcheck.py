"""The Nu HTML Checker (vnu.jar, the W3C validator) on a batch of HTML documents, through one checker per run.

vnu.jar comes from the npm package `vnu-jar`, installed by `scripts/setup --tests` into `.tools/` (ignored
by git) and run with the machine's Java. Usage:

    from tests.htmlcheck import html_errors
    errors = html_errors({"privacy": html_text, "cookie": other_html})   # {} when every document is valid
    assert errors == {}

A JVM start with vnu's schemas costs seconds of CPU, so the checker runs as vnu's own HTTP service
(`nu.validator.servlet.Main`, on 127.0.0.1): the first check of a test run starts it, every later one (in every
xdist worker of the run) posts its documents to it. The process that started it takes it down when it exits;
a worker that finds it gone starts another.

Without Java or vnu.jar the calling test is skipped, except when CI=true: there it fails.
"""

import ctypes
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.services import missing_service

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"))
SERVERS = Path(tempfile.gettempdir()) / "milano018-vnu"
#: Seconds the checker may take to start on a busy machine before a check gives up.
START_TIMEOUT = 180
_checker: str | None = None


def _require_checker() -> str:
    java = shutil.which("java")
    missing = None if java else "java is not installed"
    if not VNU_JAR.exists():
        missing = f"vnu.jar not found at {VNU_JAR} (run scripts/setup --tests)"
    if missing:
        missing_service(f"Nu HTML Checker unavailable: {missing}")
    return java


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _die_with_parent() -> None:
    """In the checker's process before exec: the kernel ends it when the process that started it ends."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start(java: str) -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        java,
        "-Xss2m",
        # The client compiler only: the checker lives for one test run, where the server compiler's optimising
        # threads cost more CPU (~3 s at start, ~3 s on the first documents) than they ever give back.
        "-XX:TieredStopAtLevel=1",
        "-Dnu.validator.servlet.bind-address=127.0.0.1",
        "-Dnu.validator.servlet.max-file-size=67108864",
        "-cp",
        str(VNU_JAR),
        "nu.validator.servlet.Main",
        str(port),
    ]
    url = f"http://127.0.0.1:{port}/"
    # The checker keeps its own copy of the log's descriptor: the file lives as long as it does.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                output = log.read()[-2000:].decode(errors="replace")
                raise RuntimeError(f"the Nu HTML Checker did not start: {output}")
            time.sleep(0.1)
    return url


def _checker_url(java: str) -> str:
    """The address of the run's checker, started here if no process of the run has one running."""
    global _checker
    if _checker and _answers(_checker):
        return _checker
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    SERVERS.mkdir(parents=True, exist_ok=True)
    address = SERVERS / f"{run}.url"
    with (SERVERS / f"{run}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _checker = address.read_text() if address.exists() else None
        if not (_checker and _answers(_checker)):
            for stale in SERVERS.glob("*"):  # earlier runs' addresses and locks
                if stale.stat().st_mtime < time.time() - 86400:
                    stale.unlink(missing_ok=True)
            _checker = _start(java)
            address.write_text(_checker)
    return _checker


def _messages(url: str, html: str, warnings: bool) -> list[dict]:
    query = "out=json" if warnings else "out=json&level=error"
    request = urllib.request.Request(
        f"{url}?{query}", data=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read().decode()
    try:
        return json.loads(body)["messages"]
    except (json.JSONDecodeError, KeyError) as error:
        raise RuntimeError(f"the Nu HTML Checker failed: {body[-2000:]}") from error


def html_errors(documents: dict[str, str], *, warnings: bool = False) -> dict[str, list[str]]:
    """Validate each document (label -> HTML text); return {label: ["line N: message", ...]} for those with errors.

    Only errors are reported unless `warnings` is true. Raises RuntimeError if the checker itself fails.
    """
    java = _require_checker()
    url = _checker_url(java)
    labels = list(documents)
    with ThreadPoolExecutor(max_workers=4) as pool:
        try:
            results = list(pool.map(lambda label: _messages(url, documents[label], warnings), labels))
        except urllib.error.URLError:  # the process that started the checker has just ended: start another
            url = _checker_url(java)
            results = list(pool.map(lambda label: _messages(url, documents[label], warnings), labels))
    errors: dict[str, list[str]] = {}
    for label, messages in zip(labels, results, strict=True):
        for message in messages:
            errors.setdefault(label, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return errors

"""A real OpenSearch 2.19.6 node for the tests: built with Maven, run in one JVM, one per pytest run.

`build()` compiles the launcher (`TestNode.java`) with `mvn package`; the jars stay in the user's
Maven repository (~/.m2) and `target/classpath.txt` lists them. `start(home, watch_pid)` runs the
node on 127.0.0.1 with free ports and waits until the cluster is green or yellow. The JVM stops by
itself when the process `watch_pid` ends, so a crashed or interrupted test run leaves nothing
behind; `stop()` ends it at once.

Raises `EngineUnavailable` (with the reason) when Java or Maven is missing, the build fails or the
node does not answer in time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "target"
CLASSPATH = TARGET / "classpath.txt"
SOURCES = [HERE / "pom.xml", *sorted((HERE / "src").rglob("*.java"))]
ENGINE = "OpenSearch 2.19.6"
#: Heap of the node: the fixture catalogue and the 50,000-service benchmark both fit.
HEAP = os.environ.get("TEST_ENGINE_HEAP", "768m")
#: JVM options for a node that lives one test run: the JIT's first tier only (C1). The optimising compiler (C2) spends
#: more CPU compiling than a run of a few minutes gets back: on the 2-core machine a node's start, three rebuilds of
#: the fixture catalogue and 1,200 searches took 15 s of the JVM's CPU with C1 only, 34 s with both tiers.
TEST_RUN_OPTIONS = ("-XX:TieredStopAtLevel=1",)
START_TIMEOUT = float(os.environ.get("TEST_ENGINE_START_TIMEOUT", "240"))
BUILD_TIMEOUT = 1800


class EngineUnavailable(RuntimeError):
    """The engine cannot be built or started here; the message says why."""


@dataclass(frozen=True)
class Engine:
    url: str
    pid: int


def java() -> str:
    """The java executable (JAVA_HOME first), or EngineUnavailable."""
    home = os.environ.get("JAVA_HOME")
    candidate = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise EngineUnavailable("Java is not installed (apt-get install default-jdk-headless)")
    return candidate


def built() -> bool:
    return CLASSPATH.exists() and all(CLASSPATH.stat().st_mtime >= source.stat().st_mtime for source in SOURCES)


def build() -> None:
    """`mvn package` unless the launcher is up to date; jars are cached in ~/.m2."""
    if built():
        return
    mvn = shutil.which("mvn")
    if not mvn:
        raise EngineUnavailable("Maven is not installed (apt-get install maven)")
    java()
    done = subprocess.run(
        [mvn, "-q", "-B", "-f", str(HERE / "pom.xml"), "package"],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0 or not CLASSPATH.exists():
        raise EngineUnavailable(f"mvn package failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    CLASSPATH.touch()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(url: str, timeout: float = 2.0) -> str | None:
    """The cluster's status ("green", "yellow", "red"), or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=timeout) as response:
            return json.load(response).get("status")
    except OSError:
        return None


def start(home: Path, watch_pid: int, jvm_options: tuple[str, ...] = ()) -> Engine:
    """Start a node with its data under `home`; it lives as long as process `watch_pid`. `jvm_options` go to
    java before the class path (the tests pass `TEST_RUN_OPTIONS`; the benchmark times a node with the defaults)."""
    build()
    home.mkdir(parents=True, exist_ok=True)
    http_port, transport_port = free_port(), free_port()
    classpath = f"{TARGET / 'classes'}:{CLASSPATH.read_text().strip()}"
    log = (home / "node.log").open("wb")
    process = subprocess.Popen(
        [java(), f"-Xms{HEAP}", f"-Xmx{HEAP}", "-XX:+UseSerialGC", *jvm_options, "-cp", classpath]
        + ["milano018.TestNode", str(http_port), str(transport_port), str(home), str(watch_pid)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EngineUnavailable(f"the node exited ({process.returncode}): {tail(home / 'node.log')}")
        if health(url) in {"green", "yellow"}:
            return Engine(url, process.pid)
        time.sleep(0.5)
    stop(process.pid)
    raise EngineUnavailable(f"the node did not answer within {START_TIMEOUT:.0f} s: {tail(home / 'node.log')}")


def stop(pid: int) -> None:
    """End the node (SIGTERM: it closes its indices on the way out)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return ""

"""The Nu HTML Checker (vnu.jar, the W3C validator) on a batch of HTML documents, in one JVM start.

vnu.jar comes from the npm package `vnu-jar`, installed by `scripts/setup --tests` into `.tools/` (ignored
by git) and run with the machine's Java. Usage:

    from tests.htmlcheck import html_errors
    errors = html_errors({"privacy": html_text, "cookie": other_html})   # {} when every document is valid
    assert errors == {}

Without Java or vnu.jar the calling test is skipped, except when CI=true: there it fails.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.services import missing_service

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"))


def _require_checker() -> str:
    java = shutil.which("java")
    missing = None if java else "java is not installed"
    if not VNU_JAR.exists():
        missing = f"vnu.jar not found at {VNU_JAR} (run scripts/setup --tests)"
    if missing:
        missing_service(f"Nu HTML Checker unavailable: {missing}")
    return java


def html_errors(documents: dict[str, str], *, warnings: bool = False) -> dict[str, list[str]]:
    """Validate each document (label -> HTML text); return {label: ["line N: message", ...]} for those with errors.

    Only errors are reported unless `warnings` is true. Raises RuntimeError if the checker itself fails.
    """
    java = _require_checker()
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        paths = {}
        for number, (label, html) in enumerate(documents.items()):
            path = Path(folder) / f"{number:04d}.html"
            path.write_text(html, encoding="utf-8")
            paths[path.as_uri()] = label
        command = [java, "-Xss2m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
        if not warnings:
            command.append("--errors-only")
        result = subprocess.run([*command, *sorted(Path(folder).glob("*.html"))], capture_output=True, text=True)
    try:
        messages = json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError) as error:
        raise RuntimeError(f"vnu.jar failed: {result.stderr[-2000:]}") from error
    errors: dict[str, list[str]] = {}
    for message in messages:
        label = paths.get(message.get("url", "").replace("file:/", "file:///", 1), message.get("url", "?"))
        errors.setdefault(label, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return errors

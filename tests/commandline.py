"""Several command-line steps in one child process: one Python and one Django start instead of one per step.

Starting Django in a child process costs ~2 s of CPU (Wagtail's apps import its APIs at start-up), more than most
of what the tests run there. `run_steps` runs, in one new interpreter and in order, steps that are either
``manage.py`` command lines (run through ``manage.py`` itself, as ``python manage.py ...`` in a shell does: argument
parsing, system checks, exit code) or Python sources (run as ``python -c``), and gives each step its own exit
code, standard output and standard error. Steps share what a process keeps (imported modules, settings read at the
first start): group only steps meant to run with the same environment and that do not depend on starting fresh.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The start of a line no command writes: where a step's output begins (both streams) and its exit code (stdout).
#: Each such line follows a newline of its own, so a step's output may end without one.
MARK = "::milano018-step::"

DRIVER = r"""
import json, os, runpy, sys, traceback

MARK, STEPS = sys.argv[1], json.loads(sys.argv[2])
MANAGE = os.path.join(os.getcwd(), "manage.py")
for number, step in enumerate(STEPS):
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
        stream.write(f"\n{MARK} {number}\n")
        stream.flush()
    try:
        if isinstance(step, list):
            sys.argv = [MANAGE, *step]
            runpy.run_path(MANAGE, run_name="__main__")
        else:
            exec(compile(step, "<step %d>" % number, "exec"), {"__name__": "__main__"})
        code = 0
    except SystemExit as end:
        if end.code is None or isinstance(end.code, int):
            code = end.code or 0
        else:
            print(end.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    sys.stdout.write(f"\n{MARK} {number} exit {code}\n")
    sys.stdout.flush()
"""


@dataclass(frozen=True)
class Step:
    """What one step left: its exit code (as the process's would be) and what it wrote on each stream."""

    returncode: int
    stdout: str
    stderr: str


def _split(text: str, count: int) -> list[str]:
    parts = [""] * count
    current = None
    for line in text.splitlines(keepends=True):
        if line.startswith(MARK):
            current = int(line.split()[1])
            continue
        if current is not None:
            parts[current] += line
    return parts


def run_steps(steps: list[list[str] | str], env: dict[str, str], timeout: int = 600) -> list[Step]:
    """Run `steps` in order in one child Python (cwd: the repository, environment: exactly `env`).

    A list is a ``manage.py`` command line without the program (``["check", "--deploy"]``), a string Python
    source. Returns one `Step` per step. Raises AssertionError, with the child's output, when the child itself
    died before reporting every step.
    """
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, MARK, json.dumps(steps)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    codes = {}
    stdout_lines = []
    for line in done.stdout.splitlines(keepends=True):
        words = line.split()
        if line.startswith(MARK) and len(words) == 4 and words[2] == "exit":
            codes[int(words[1])] = int(words[3])
        else:
            stdout_lines.append(line)
    assert len(codes) == len(steps), f"the child ended early (exit {done.returncode}):\n{done.stdout}{done.stderr}"
    stdouts = _split("".join(stdout_lines), len(steps))
    stderrs = _split(done.stderr, len(steps))
    return [Step(codes[n], stdouts[n], stderrs[n]) for n in range(len(steps))]

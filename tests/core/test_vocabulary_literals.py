"""One label per code in the sources: no template, script or Python module outside `core/vocabularies.py` writes a
vocabulary label of its own ("Scuola+", "In sede"...), and the CSS tokens carry the dimensions' colours.

A static check, reading the files of `site/`, `search/` and `theme/` (no database, no rendering); the labels the
rendered site shows are checked in `test_vocabulary_labels.py`. Labels compare with case, accents' composition and
spacing ignored (`normalised`).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

from core.vocabularies import VOCABULARIES, Dimension, label_of, long_label_of, vocabulary_labels

ROOT = Path(__file__).resolve().parents[2]
#: Where the labels may be written: the vocabularies (migrations freeze choices; locale translates them).
ALLOWED = ("site/core/vocabularies.py",)
SKIPPED_PARTS = {"migrations", "locale", "node_modules", "__pycache__"}


def normalised(text: str) -> str:
    """Case, accents' composition and spacing ignored: "Scuola+" and "scuola +" are the same label."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold()


def all_labels() -> dict[str, str]:
    """{normalised label: "vocabulary code"} of every vocabulary, long labels included."""
    found = {}
    for name in VOCABULARIES:
        for code in vocabulary_labels(name):
            for label in {label_of(name, code), long_label_of(name, code)}:
                found[normalised(label)] = f"{name} {code!r}"
    return found


def python_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


TEMPLATE_TEXT = re.compile(r'{%\s*(?:trans|translate)\s+"([^"]*)"|{%\s*(?:trans|translate)\s+\'([^\']*)\'|>([^<>{}]+)<')
SCRIPT_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`([^`]*)`')


def text_strings(path: Path, pattern: re.Pattern) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 1, next(group for group in match.groups() if group is not None))
        for match in pattern.finditer(text)
    ]


def project_files():
    for folder in ("site", "search", "theme"):
        for path in (ROOT / folder).rglob("*"):
            relative = path.relative_to(ROOT)
            if not path.is_file() or SKIPPED_PARTS & set(relative.parts[:-1]) or str(relative) in ALLOWED:
                continue
            if path.suffix == ".py":
                yield relative, python_strings(path)
            elif path.suffix in (".html", ".txt") and "templates" in relative.parts:
                yield relative, text_strings(path, TEMPLATE_TEXT)
            elif path.suffix == ".js":
                yield relative, text_strings(path, SCRIPT_STRING)


def hard_coded_labels() -> list[str]:
    """Every string literal or template text, outside the vocabularies, that is a vocabulary label.

    A literal spelled exactly as a code ("sport", "online") is that code, not a copy of its label.
    """
    labels = all_labels()
    codes = {str(code) for name in VOCABULARIES for code in vocabulary_labels(name)}
    return [
        f"{relative}:{line}: {text!r} is the label of {labels[normalised(text)]}"
        for relative, strings in project_files()
        for line, text in strings
        if text.strip() and text not in codes and normalised(text) in labels
    ]


def test_no_file_outside_the_vocabularies_writes_a_vocabulary_label():
    assert hard_coded_labels() == []


def test_the_static_check_finds_a_copied_label(tmp_path, monkeypatch):
    copy = tmp_path / "site" / "catalog" / "copy.py"
    copy.parent.mkdir(parents=True)
    copy.write_text('LABELS = {"scuola-plus": "Scuola+", "sede": _("In sede")}\n', encoding="utf-8")
    template = tmp_path / "site" / "catalog" / "templates" / "copy.html"
    template.parent.mkdir()
    template.write_text('<p>{% trans "Corpo e movimento" %}</p><span> Gratuito </span>', encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    for folder in ("search", "theme"):
        (tmp_path / folder).mkdir()
    assert hard_coded_labels() == [
        "site/catalog/copy.py:1: 'Scuola+' is the label of category 'scuola-plus'",
        "site/catalog/copy.py:1: 'In sede' is the label of delivery 'sede'",
        "site/catalog/templates/copy.html:1: 'Corpo e movimento' is the label of descriptor 'body'",
        "site/catalog/templates/copy.html:1: ' Gratuito ' is the label of cost True",
    ]


def test_the_css_tokens_carry_the_dimensions_colours():
    css = (ROOT / "theme/static/theme/css/milano018.css").read_text(encoding="utf-8")
    tokens = dict(re.findall(r"(--m018-dim-\d):\s*(#[0-9a-fA-F]{6})", css))
    assert tokens == {dimension.css_token: dimension.colour for dimension in Dimension}

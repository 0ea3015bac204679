"""tests/htmlcheck.py reports the errors of each document of a batch, and nothing for valid ones."""

from tests.htmlcheck import html_errors

VALID = '<!DOCTYPE html><html lang="it"><head><title>Prova</title></head><body><p>Ciao</p></body></html>'


def test_reports_errors_per_document_and_nothing_for_valid_ones():
    broken = VALID.replace("<p>Ciao</p>", "<p>Ciao<div></p>").replace(' lang="it"', "")

    errors = html_errors({"valid": VALID, "broken": broken})

    assert list(errors) == ["broken"]
    assert any("Unclosed element “div”" in message for message in errors["broken"])

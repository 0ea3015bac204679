"""AgID's spid-sp-test against the SP: metadata (SPID and CIE profiles), AuthnRequest, every response case.

Each run asserts zero failed checks; the report's counts are printed (pytest -s shows them). Checks that
cannot apply to this SP are listed, with the reason, in site/booking/spid_sp/README.md.
"""

import pytest

from tests.spid.conftest import TEST_IDP, run_tool

pytestmark = pytest.mark.django_db(transaction=True)


def failures(report: dict) -> list[str]:
    """Every check the report marks as failed, as 'category: test'."""
    found = []
    for category, results in report["test"]["sp"].items():
        for entry in results.values() if isinstance(results, dict) else results:
            for check in entry if isinstance(entry, list) else [entry]:
                if isinstance(check, dict) and check.get("result") == "failure":
                    found.append(f"{category}: {check.get('test')} {check.get('value', '')}".strip())
    return found


def counts(report: dict) -> dict[str, int]:
    totals = {"success": 0, "failure": 0, "warning": 0}
    for results in report["test"]["sp"].values():
        for entry in results.values() if isinstance(results, dict) else results:
            for check in entry if isinstance(entry, list) else [entry]:
                if isinstance(check, dict) and check.get("result") in totals:
                    totals[check["result"]] += 1
    return totals


def test_spid_metadata_authn_request_and_every_response_case(spid_sp, spid_sp_test, tmp_path):
    report = run_tool(
        spid_sp_test,
        "--metadata-url",
        f"{spid_sp.url}/accounts/spid/metadata/",
        "--authn-url",
        f"{spid_sp.url}/accounts/spid/login/?idp={TEST_IDP}",
        "--profile",
        "spid-sp-public",
        "--extra",
        "--test-response",
        report=tmp_path / "report.json",
    )
    print("spid-sp-test spid-sp-public:", counts(report))
    assert set(report["test"]["sp"]) == {"metadata_extra", "authnrequest_extra", "response"}
    assert failures(report) == []
    # Every response case spid-sp-test ships (111 in 1.2.18) was sent and judged.
    assert len(report["test"]["sp"]["response"]["SpidSpResponseCheck"]) >= 111


def test_cie_metadata_authn_request_and_every_response_case(spid_sp, spid_sp_test, tmp_path):
    report = run_tool(
        spid_sp_test,
        "--metadata-url",
        f"{spid_sp.url}/accounts/spid/metadata/cie/",
        "--authn-url",
        f"{spid_sp.url}/accounts/spid/login/?idp={TEST_IDP}",
        "--profile",
        "cie-sp-public",
        "--extra",
        "--test-response",
        report=tmp_path / "report.json",
    )
    print("spid-sp-test cie-sp-public:", counts(report))
    assert failures(report) == []
    # The CIE profile leaves out 70 and 71 (the Assertion Issuer's Format is optional for CIE).
    assert len(report["test"]["sp"]["response"]["SpidSpResponseCheck"]) >= 109

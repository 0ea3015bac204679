"""The ISEE sources: the local one, and INPS over PDND replayed from recorded answers (tests/vouchercall/fixtures)."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from vouchercall.isee import InpsPdndIseeSource, IseeSourceError, matches

FIXTURES = Path(__file__).parent / "fixtures"
CONFIG = {
    "token_url": "https://auth.interop.pagopa.it/token.oauth2",
    "client_id": "client",
    "kid": "kid",
    "purpose_id": "purpose",
    "private_key_path": "",
    "isee_url": "https://api.inps.it/isee/v1/consultazione",
    "benefit_code": "M018",
    "timeout": 5,
}


def replay(name: str, calls: list):
    recorded = json.loads((FIXTURES / name).read_text())

    def transport(url, headers, body):
        calls.append((url, headers, body))
        return recorded["status"], recorded["body"]

    return transport


def source(name: str, calls: list) -> InpsPdndIseeSource:
    return InpsPdndIseeSource(CONFIG, transport=replay(name, calls), token_provider=lambda: "token-123")


def test_a_recorded_attestation_is_read_and_matches_the_declaration():
    calls = []
    answer = source("inps_isee_ok.json", calls).lookup(
        "RSSMRA80A01F205X", "minors", datetime.date(2022, 9, 10), "M018-2022-000001"
    )
    assert answer.found and answer.value == Decimal("8123.45") and answer.isee_type == "minors"
    assert matches(answer, value=Decimal("8123.45"), dsu_protocol="INPS-ISEE-2022-000123456-00", isee_type="minors")
    assert not matches(answer, value=Decimal("8000.00"), dsu_protocol="INPS-ISEE-2022-000123456-00", isee_type="minors")
    url, headers, body = calls[0]
    assert url == CONFIG["isee_url"] and headers["Authorization"] == "Bearer token-123"
    assert body["tipoIndicatore"] == "MINORENNI" and body["codicePrestazione"] == "M018"
    assert body["protocolloDomandaEnteErogatore"] == "M018-2022-000001"


def test_no_attestation_is_not_found():
    answer = source("inps_isee_not_found.json", []).lookup(
        "RSSMRA80A01F205X", "ordinary", datetime.date(2022, 9, 10), "P"
    )
    assert not answer.found


@pytest.mark.parametrize("name", ["inps_isee_error.json", "inps_isee_malformed.json"])
def test_an_error_or_a_malformed_answer_is_an_error_never_a_guess(name):
    with pytest.raises(IseeSourceError):
        source(name, []).lookup("RSSMRA80A01F205X", "ordinary", datetime.date(2022, 9, 10), "P")


def test_the_pdnd_token_is_asked_with_a_signed_client_assertion(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "key.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    calls = []
    pdnd = InpsPdndIseeSource({**CONFIG, "private_key_path": str(path)}, transport=replay("pdnd_token_ok.json", calls))
    assert pdnd._pdnd_token() == "pdnd-voucher-abc"
    assertion = calls[0][2]["client_assertion"]
    header_b64, claims_b64, signature_b64 = assertion.split(".")
    import base64

    def decode(part):
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    assert decode(header_b64)["alg"] == "RS256" and decode(claims_b64)["purposeId"] == "purpose"
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key.public_key().verify(
        base64.urlsafe_b64decode(signature_b64 + "=" * (-len(signature_b64) % 4)),
        f"{header_b64}.{claims_b64}".encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )

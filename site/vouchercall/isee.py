"""Checking a declared ISEE: the `IseeSource` interface, a local source (demo, tests) and INPS's e-service over PDND.

INPS publishes the ISEE as e-services on PDND (Piattaforma Digitale Nazionale Dati). The City calls it with a PDND
voucher (an OAuth2 bearer token obtained with a signed client assertion) and asks, for a tax code, the ISEE of a type
valid on a date for a benefit (`codicePrestazione`), quoting its own protocol number and the benefit's status.
It cannot be reached from here: `InpsPdndIseeSource` is tested on recorded answers (tests/vouchercall/fixtures/).
"""

import base64
import datetime
import json
import urllib.request
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _rs256_jwt(claims: dict, private_key_pem: bytes, *, kid: str) -> str:
    """A compact JWS (RFC 7515) signed RS256 with `cryptography`: PDND's client assertion."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}".encode()
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input.decode()}.{_b64(signature)}"


@dataclass(frozen=True)
class IseeAnswer:
    """What the source knows: `found` False when no valid attestation exists for that code, type and date."""

    found: bool
    value: Decimal | None = None
    dsu_protocol: str = ""
    isee_type: str = ""
    valid_until: datetime.date | None = None


class IseeSourceError(Exception):
    """The source could not answer (network, authorisation, malformed answer): the check is retried, never guessed."""


class IseeSource:
    """`lookup(fiscal_code, isee_type, on_date, protocol) -> IseeAnswer`; raises IseeSourceError when it cannot tell."""

    def lookup(self, fiscal_code: str, isee_type: str, on_date: datetime.date, protocol: str) -> IseeAnswer:
        raise NotImplementedError


class LocalIseeSource(IseeSource):
    """A dictionary of attestations by tax code (the demo's and the tests'); an unknown code is not found."""

    records: dict[str, IseeAnswer] = {}

    def lookup(self, fiscal_code, isee_type, on_date, protocol):
        record = self.records.get(fiscal_code)
        if record is None:
            return IseeAnswer(found=False)
        if record.isee_type and record.isee_type != isee_type:
            return IseeAnswer(found=False)
        if record.valid_until and record.valid_until < on_date:
            return IseeAnswer(found=False)
        return record


# INPS's ISEE type codes in the e-service, from our Application.IseeType values.
INPS_TYPES = {"ordinary": "ORDINARIO", "minors": "MINORENNI"}


class InpsPdndIseeSource(IseeSource):
    """INPS's "Consultazione ISEE" e-service through PDND; configured from environment variables (settings
    VOUCHERCALL_PDND: PDND_TOKEN_URL, PDND_CLIENT_ID, PDND_KID, PDND_PURPOSE_ID, PDND_PRIVATE_KEY_PATH,
    INPS_ISEE_URL, INPS_ISEE_BENEFIT_CODE, INPS_ISEE_TIMEOUT).

    `transport(url, headers, body) -> (status, dict)` is the HTTP call; the default uses urllib. Tests pass one that
    replays recorded answers.
    """

    def __init__(self, config: dict | None = None, transport=None, token_provider=None):
        self.config = config or settings.VOUCHERCALL_PDND
        self.transport = transport or self._http
        self.token_provider = token_provider or self._pdnd_token

    def _http(self, url: str, headers: dict, body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.config["timeout"]) as response:
                return response.status, json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:
            raise IseeSourceError(str(exc)) from exc

    def _pdnd_token(self) -> str:
        """A PDND voucher: client assertion (RS256 JWT signed with the key registered on PDND) → bearer token."""
        now = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
        with open(self.config["private_key_path"], "rb") as handle:
            key = handle.read()
        assertion = _rs256_jwt(
            {
                "iss": self.config["client_id"],
                "sub": self.config["client_id"],
                "aud": "auth.interop.pagopa.it/client-assertion",
                "purposeId": self.config["purpose_id"],
                "jti": f"m018-{now}",
                "iat": now,
                "exp": now + 300,
            },
            key,
            kid=self.config["kid"],
        )
        status, answer = self.transport(
            self.config["token_url"],
            {"Content-Type": "application/json"},
            {
                "client_id": self.config["client_id"],
                "client_assertion": assertion,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "grant_type": "client_credentials",
            },
        )
        if status != 200 or "access_token" not in answer:
            raise IseeSourceError(f"PDND token: HTTP {status}")
        return answer["access_token"]

    def lookup(self, fiscal_code, isee_type, on_date, protocol):
        body = {
            "codiceFiscale": fiscal_code,
            "tipoIndicatore": INPS_TYPES[isee_type],
            "dataValidita": on_date.isoformat(),
            "codicePrestazione": self.config["benefit_code"],
            "protocolloDomandaEnteErogatore": protocol,
            "statodomandaPrestazione": "Da Erogare",
        }
        headers = {"Authorization": f"Bearer {self.token_provider()}", "Content-Type": "application/json"}
        status, answer = self.transport(self.config["isee_url"], headers, body)
        if status == 404 or answer.get("esito") == "NON_TROVATO":
            return IseeAnswer(found=False)
        if status != 200 or answer.get("esito") != "OK":
            raise IseeSourceError(f"INPS ISEE: HTTP {status}, esito {answer.get('esito')!r}")
        try:
            attestation = answer["attestazione"]
            return IseeAnswer(
                found=True,
                value=Decimal(str(attestation["valoreISEE"])).quantize(Decimal("0.01")),
                dsu_protocol=attestation["protocolloDSU"],
                isee_type=next(k for k, v in INPS_TYPES.items() if v == attestation["tipoIndicatore"]),
                valid_until=datetime.date.fromisoformat(attestation["dataScadenza"]),
            )
        except (KeyError, ValueError, ArithmeticError, StopIteration) as exc:
            raise IseeSourceError(f"INPS ISEE: malformed answer ({exc})") from exc


SOURCES = {"local": LocalIseeSource, "inps_pdnd": InpsPdndIseeSource}


def get_source() -> IseeSource:
    """The configured source (settings.VOUCHERCALL_ISEE_SOURCE: "local", "inps_pdnd" or a dotted class path)."""
    name = settings.VOUCHERCALL_ISEE_SOURCE
    return (SOURCES.get(name) or import_string(name))()


def matches(answer: IseeAnswer, *, value: Decimal, dsu_protocol: str, isee_type: str) -> bool:
    """The declaration matches INPS when the attestation exists with the same value, DSU protocol and type."""
    return (
        answer.found
        and answer.value == value
        and answer.dsu_protocol == dsu_protocol
        and (not answer.isee_type or answer.isee_type == isee_type)
    )

"""The service provider's key pair, and key pairs generated for development (never for production).

A key or certificate setting holds PEM text or the path of a PEM file. In development, a missing pair is
generated once into settings.SPID_DEV_KEY_DIR (ignored by git), with the subject AgID asks of a public
SP's certificate (Avviso SPID n.29 v3): the City's name, IPA code as organizationIdentifier, the entityID.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class KeyPair:
    """A PEM private key and its PEM certificate; `cert_b64` is the certificate as metadata carries it."""

    key_pem: str
    cert_pem: str

    @property
    def cert_b64(self) -> str:
        lines = [line for line in self.cert_pem.strip().splitlines() if "-----" not in line]
        return "".join(lines)


def _pem(value: str) -> str:
    value = value.strip()
    if value and not value.startswith("-----") and Path(value).is_file():
        return Path(value).read_text()
    return value


def self_signed_key_pair(name: x509.Name, *, days: int, extensions=()) -> KeyPair:
    """A new RSA-2048 key with a SHA-256 certificate it signs itself for `name`, valid from yesterday for `days`
    days; `extensions`: (extension, critical) pairs added to the certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    cert = builder.sign(key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return KeyPair(key_pem=key_pem, cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode())


def generate_key_pair(common_name: str, *, entity_id: str = "", days: int = 3650) -> KeyPair:
    """A new RSA-2048 key with a self-signed SHA-256 certificate (what SPID metadata and signatures expect)."""
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.SPID_ORGANIZATION["name"]),
        x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"PA:IT-{settings.SPID_ORGANIZATION['ipa_code']}"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Milano"),
    ]
    if entity_id:
        attributes.append(x509.NameAttribute(x509.ObjectIdentifier("2.5.4.83"), entity_id))  # uri
    signing_only = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    return self_signed_key_pair(x509.Name(attributes), days=days, extensions=[(signing_only, True)])


def development_key_pair(name: str, common_name: str, entity_id: str = "") -> KeyPair:
    """The key pair `<name>.key`/`<name>.crt` in SPID_DEV_KEY_DIR, generated on first use (mode 0600)."""
    folder = Path(settings.SPID_DEV_KEY_DIR)
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    if not (key_file.is_file() and cert_file.is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        pair = generate_key_pair(common_name, entity_id=entity_id)
        key_file.touch(mode=0o600)
        key_file.write_text(pair.key_pem)
        cert_file.write_text(pair.cert_pem)
    return KeyPair(key_pem=key_file.read_text(), cert_pem=cert_file.read_text())


def sp_key_pair() -> KeyPair:
    """The SP's key pair: SPID_SP_PRIVATE_KEY + SPID_SP_X509_CERT, or a development pair when both are empty.

    Raises ImproperlyConfigured when only one of the two is set.
    """
    key, cert = _pem(settings.SPID_SP_PRIVATE_KEY), _pem(settings.SPID_SP_X509_CERT)
    if key and cert:
        return KeyPair(key_pem=key, cert_pem=cert)
    if key or cert:
        raise ImproperlyConfigured("Set both SPID_SP_PRIVATE_KEY and SPID_SP_X509_CERT (PEM text or file path).")
    return development_key_pair("sp", "Milano 0.18 (sviluppo)", settings.SPID_SP_ENTITY_ID)

"""Test certificates, made here and never committed: an RSA key and a self-signed
certificate whose subject serial number names the holder, packed as PKCS#12."""

from __future__ import annotations

import datetime
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    NoEncryption,
    pkcs12,
)
from cryptography.x509.oid import NameOID

PASSWORD = "clave-de-prueba"


@cache
def rsa_key(slot: int = 0) -> rsa.RSAPrivateKey:
    """A 2048-bit key per slot, generated once per test process (generation is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_certificate(*, serial_number: str | None = "131246796", common_name="Acme SRL",
                     key=None, valid_from: datetime.datetime | None = None,
                     valid_until: datetime.datetime | None = None) -> x509.Certificate:
    key = key or rsa_key()
    now = datetime.datetime.now(datetime.UTC)
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "DO"),
                  x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if serial_number is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    name = x509.Name(attributes)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(valid_from or now - datetime.timedelta(days=1))
            .not_valid_after(valid_until or now + datetime.timedelta(days=365))
            .sign(key, hashes.SHA256()))


def make_p12(*, password: str = PASSWORD, key=None, **certificate) -> bytes:
    key = key or rsa_key()
    cert = make_certificate(key=key, **certificate)
    encryption = BestAvailableEncryption(password.encode()) if password else NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"ecf-test", key, cert, None, encryption)


@cache
def p12_for(serial_number: str, common_name: str) -> bytes:
    """One PKCS#12 per holder for the whole test process (PBKDF2 makes packing slow)."""
    return make_p12(serial_number=serial_number, common_name=common_name)


@cache
def sample_credentials():
    """Credentials for tests that sign without a workspace (no database)."""
    from invoicing.ecf.signing import SigningCredentials

    return SigningCredentials(private_key=rsa_key(), certificate=make_certificate())


def expired_p12(**kwargs) -> bytes:
    now = datetime.datetime.now(datetime.UTC)
    return make_p12(valid_from=now - datetime.timedelta(days=400),
                    valid_until=now - datetime.timedelta(days=1), **kwargs)


def expiring_p12(days: int = 10, **kwargs) -> bytes:
    now = datetime.datetime.now(datetime.UTC)
    return make_p12(valid_until=now + datetime.timedelta(days=days), **kwargs)


def ec_p12() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = make_certificate(key=key)
    return pkcs12.serialize_key_and_certificates(
        b"ec", key, cert, None, BestAvailableEncryption(PASSWORD.encode()))

"""Opening the issuer's PKCS#12: each refusal is a clear 400 on `file` or `password`; the
holder is read from the subject's serial number; the key is sealed at rest."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.utils import translation

from invoicing.core.errors import InvalidInput
from invoicing.ecf.certificates import (
    holder_from_serial_number,
    open_pkcs12,
    seal_private_key,
    unseal_credentials,
)
from invoicing.ecf.errors import CertificateUnusable

from .certs import PASSWORD, ec_p12, expired_p12, make_p12, p12_for, rsa_key


def refused(data: bytes, password: str = PASSWORD) -> InvalidInput:
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        open_pkcs12(data, password)
    return caught.value


@pytest.mark.parametrize("serial, kind, tax_id", [
    ("131246796", "rnc", "131246796"),
    ("00113918205", "cedula", "00113918205"),
    ("IDCDO-00113918205", "cedula", "00113918205"),
    ("TINDO-131246796", "rnc", "131246796"),
    ("RNC-1-31-24679-6", "rnc", "131246796"),
    ("PASUS-X1234567", "passport", "X1234567"),
    ("A1234567", "passport", "A1234567"),
])
def test_holder_is_read_from_the_serial_number(serial, kind, tax_id):
    holder = holder_from_serial_number(serial)
    assert (holder.kind, holder.tax_id) == (kind, tax_id)


@pytest.mark.parametrize("serial", ["", "123456789", "IDCDO-00113918204", "Acme SRL", "12"])
def test_serial_numbers_without_an_id_name_no_holder(serial):
    assert holder_from_serial_number(serial) is None


def test_a_good_file_opens_with_its_metadata():
    opened = open_pkcs12(p12_for("131246796", "Acme SRL"), PASSWORD)
    assert opened.holder.tax_id == "131246796"
    assert "2.5.4.5=131246796" in opened.subject or "serialNumber=131246796" in opened.subject
    assert opened.valid_until > opened.valid_from
    assert len(opened.fingerprint_sha256) == 64
    assert PASSWORD not in repr(opened) and "PRIVATE" not in repr(opened)


def test_idcdo_cedula_holder_is_accepted():
    opened = open_pkcs12(make_p12(serial_number="IDCDO-00113918205"), PASSWORD)
    assert (opened.holder.kind, opened.holder.tax_id) == ("cedula", "00113918205")


def test_wrong_password_is_a_400_on_password():
    error = refused(p12_for("131246796", "Acme SRL"), "not-the-password")
    assert error.fields == {"password": [error.message]}
    assert "password" in error.message


def test_not_a_pkcs12_file_is_a_400_on_file():
    error = refused(b"-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n")
    assert list(error.fields) == ["file"]


def test_expired_certificate_is_a_400_on_file():
    error = refused(expired_p12())
    assert list(error.fields) == ["file"] and "expired" in error.message


def test_certificate_without_an_id_in_its_subject_is_a_400_on_file():
    for data in (make_p12(serial_number=None), make_p12(serial_number="Acme SRL")):
        error = refused(data)
        assert list(error.fields) == ["file"] and "serial number" in error.message


def test_a_key_dgii_cannot_use_is_refused():
    assert list(refused(ec_p12()).fields) == ["file"]


def test_empty_upload_is_refused():
    assert list(refused(b"").fields) == ["file"]


def test_sealed_key_is_encrypted_and_opens_back(settings):
    opened = open_pkcs12(p12_for("131246796", "Acme SRL"), PASSWORD)
    sealed = seal_private_key(opened.credentials.private_key)
    der = rsa_key().private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    assert der not in sealed and der[40:80] not in sealed
    certificate_der = opened.credentials.certificate.public_bytes(Encoding.DER)
    back = unseal_credentials(sealed, certificate_der)
    assert back.private_key.private_numbers() == opened.credentials.private_key.private_numbers()


def test_a_rotated_key_still_opens_and_a_foreign_one_does_not(settings):
    from cryptography.fernet import Fernet

    from invoicing.ecf.certificates import _fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    key = rsa_key()
    cert = open_pkcs12(p12_for("131246796", "Acme SRL"), PASSWORD).credentials.certificate
    settings.ECF_KEY_ENCRYPTION_KEYS = [old]
    sealed = seal_private_key(key)
    settings.ECF_KEY_ENCRYPTION_KEYS = [new, old]  # rotation: new first, old still decrypts
    unseal_credentials(sealed, cert.public_bytes(Encoding.DER))
    settings.ECF_KEY_ENCRYPTION_KEYS = [new]
    with pytest.raises(CertificateUnusable):
        unseal_credentials(sealed, cert.public_bytes(Encoding.DER))
    _fernet.cache_clear()

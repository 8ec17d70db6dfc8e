"""Reading settings from the environment: each helper returns the default when the variable
is unset and stops the process (ImproperlyConfigured) when it is set but malformed."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_timeout(name: str, default: tuple[float, float]) -> tuple[float, float]:
    """Seconds as "connect,read" (or one number for both), each greater than zero."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        parts = [float(part) for part in raw.split(",")]
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not \"connect,read\" seconds.") from None
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or min(parts) <= 0:
        raise ImproperlyConfigured(f"{name}={raw!r} is not \"connect,read\" seconds.")
    return parts[0], parts[1]


def ecf_key_encryption_keys(*, debug: bool, secret_key: str) -> list[str]:
    """The Fernet keys that encrypt issuers' private keys at rest: comma-separated, the
    first encrypts, all decrypt (so a key can be rotated). Required in production; in DEBUG
    a development key is derived from SECRET_KEY so `make run` works out of the box."""
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    raw = env_str("ECF_KEY_ENCRYPTION_KEY")
    if not raw:
        if not debug:
            raise ImproperlyConfigured(
                "ECF_KEY_ENCRYPTION_KEY must be set when DEBUG is off (a Fernet key: "
                "python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())').")
        digest = hashlib.sha256(b"ecf-key-encryption:" + secret_key.encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                "ECF_KEY_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded "
                "bytes).") from None
    return keys

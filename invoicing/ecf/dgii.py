"""The client that speaks to DGII's e-CF web services (DOMAIN.md, "DGII web services").

One `DgiiClient` per workspace and environment. It knows nothing of our models: it is given
a `sign(xml_bytes) -> bytes` callable (the workspace's certificate) and sends bytes that are
already built and signed. Every call has a connect and a read time-out; redirects are never
followed (DGII answers its maintenance windows with one). Failures come out as three kinds:

- `DgiiUnavailable`: DGII could not be reached, or answered 5xx, before it had the request.
  Nothing was received: send again later.
- `DgiiOutcomeUnknown`: a document went out and the answer was lost (read time-out,
  connection cut, gateway time-out). DGII may have it: ask `track_ids()` (or
  `rfce_status()` for an RFCE) before sending it again, never resend blindly.
- `DgiiRejected`: DGII answered and refused the request itself (4xx, a reception without
  trackId). Sending the same bytes again would be refused again.

A reception is a receipt, not a verdict: `status()` tells the verdict later. An RFCE gets
its verdict in the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .dgii_answers import (
    MalformedAnswer,
    Message,
    Token,
    TrackIdEntry,
    Verdict,
    VoidAnswer,
    parse_receipt,
    parse_token,
    parse_track_ids,
    parse_verdict,
    parse_void,
)
from .dgii_tokens import TokenStore

__all__ = [
    "ENVIRONMENTS",
    "DgiiClient",
    "DgiiError",
    "DgiiOutcomeUnknown",
    "DgiiRejected",
    "DgiiUnavailable",
    "client_for",
    "ecf_filename",
    "forget_tokens",
]

ENVIRONMENTS = ("testecf", "certecf", "ecf")

Signer = Callable[[bytes], bytes]


class DgiiError(Exception):
    def __init__(self, message: str, *, status_code: int | None = None,
                 messages: tuple[Message, ...] = ()) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.messages = messages


class DgiiUnavailable(DgiiError):
    """Nothing reached DGII (or it failed before taking the request): try again later."""


class DgiiOutcomeUnknown(DgiiError):
    """The request went out and no answer came back: ask DGII what it has before resending."""


class DgiiRejected(DgiiError):
    """DGII answered and refused the request."""


def ecf_filename(rnc: str, encf: str) -> str:
    """The file name DGII requires for an e-CF or an RFCE: `{RNCEmisor}{eNCF}.xml`."""
    return f"{rnc}{encf}.xml"


class DgiiClient:
    def __init__(self, *, workspace_id: int, environment: str, sign: Signer,
                 session: requests.Session | None = None, ecf_url: str | None = None,
                 fc_url: str | None = None, timeout: tuple[float, float] | None = None) -> None:
        if environment not in ENVIRONMENTS:
            raise ValueError(f"unknown DGII environment {environment!r}")
        self.workspace_id = workspace_id
        self.environment = environment
        self._sign = sign
        self._session = session or requests.Session()
        self._ecf = f"{(ecf_url or settings.DGII_ECF_URL).rstrip('/')}/{environment}"
        self._fc = f"{(fc_url or settings.DGII_FC_URL).rstrip('/')}/{environment}"
        self._timeout = tuple(timeout or settings.DGII_TIMEOUT)
        # A fetch is two calls (seed, then validarsemilla); the lock outlives both.
        self._tokens = TokenStore(workspace_id, environment,
                                  lock_seconds=2 * sum(self._timeout) + 5)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> DgiiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- authentication ---------------------------------------------------------------------

    def seed(self) -> bytes:
        """The XML seed to sign (GET …/autenticacion/api/autenticacion/semilla)."""
        response = self._call("GET", f"{self._ecf}/autenticacion/api/autenticacion/semilla",
                              authenticated=False, idempotent=True,
                              headers={"Accept": "application/xml"})
        if b"SemillaModel" not in response.content:
            raise DgiiUnavailable("DGII's seed answer is not a seed", status_code=200)
        return response.content

    def fetch_token(self) -> Token:
        """A new token for a freshly signed seed, not cached."""
        signed = self._sign(self.seed())
        received_at = dt.datetime.now(dt.UTC)
        response = self._call(
            "POST", f"{self._ecf}/autenticacion/api/autenticacion/validarsemilla",
            authenticated=False, idempotent=True,
            files={"xml": ("semilla.xml", signed, "text/xml")},
        )
        return self._read(response, lambda body: parse_token(body, received_at=received_at),
                          idempotent=True)

    def token(self) -> Token:
        """The workspace's token for this environment: cached until it expires, fetched by
        one process at a time."""
        return self._tokens.get_or_fetch(self.fetch_token)

    def forget_token(self) -> None:
        """Drop the cached token (e.g. after the workspace's certificate changed)."""
        self._tokens.forget()

    # --- e-CF -------------------------------------------------------------------------------

    def send_ecf(self, filename: str, signed_xml: bytes) -> str:
        """Hand a signed e-CF to DGII; returns its trackId (a receipt, not a verdict)."""
        response = self._call("POST", f"{self._ecf}/recepcion/api/facturaselectronicas",
                              idempotent=False, files={"xml": (filename, signed_xml, "text/xml")})
        track_id, messages = self._read(response, parse_receipt, idempotent=False)
        if not track_id:
            raise DgiiRejected("DGII did not receive the e-CF", status_code=response.status_code,
                               messages=messages)
        return track_id

    def status(self, track_id: str) -> Verdict:
        """DGII's verdict on a reception (consultaresultado); code NOT_FOUND or IN_PROCESS
        until it has one."""
        response = self._call("GET", f"{self._ecf}/consultaresultado/api/consultas/estado",
                              idempotent=True, params={"trackid": track_id})
        return self._read(response, parse_verdict, idempotent=True)

    def track_ids(self, rnc: str, encf: str) -> list[TrackIdEntry]:
        """Every reception DGII holds for an e-NCF: how to learn whether a document whose
        reception timed out was received."""
        response = self._call("GET", f"{self._ecf}/consultatrackids/api/trackids/consulta",
                              idempotent=True, params={"rncemisor": rnc, "encf": encf})
        if not response.content.strip():
            return []
        return self._read(response, parse_track_ids, idempotent=True)

    # --- consumer invoices under RD$250,000 -------------------------------------------------

    def send_rfce(self, filename: str, signed_rfce: bytes) -> Verdict:
        """Hand the signed summary (RFCE) of an E32 to DGII; the verdict comes in the answer."""
        response = self._call("POST", f"{self._fc}/recepcionfc/api/recepcion/ecf",
                              idempotent=False, files={"xml": (filename, signed_rfce, "text/xml")})
        return self._read(response, parse_verdict, idempotent=False)

    def rfce_status(self, rnc: str, encf: str, security_code: str) -> Verdict:
        """DGII's record of an RFCE, by e-NCF and security code; code NOT_FOUND if it has
        none."""
        response = self._call(
            "GET", f"{self._fc}/consultarfce/api/Consultas/Consulta", idempotent=True,
            params={"RNC_Emisor": rnc, "ENCF": encf, "Cod_Seguridad_eCF": security_code},
        )
        return self._read(response, parse_verdict, idempotent=True)

    # --- unused numbers ---------------------------------------------------------------------

    def void_range(self, signed_anecf: bytes, filename: str = "ANECF.xml") -> VoidAnswer:
        """Void unused e-NCF (a signed ANECF); DGII refuses numbers it has received."""
        response = self._call("POST", f"{self._ecf}/anulacionrangos/api/operaciones/anularrango",
                              idempotent=False, files={"xml": (filename, signed_anecf, "text/xml")})
        return self._read(response, parse_void, idempotent=False)

    # --- transport --------------------------------------------------------------------------

    def _call(self, method: str, url: str, *, idempotent: bool, authenticated: bool = True,
              headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        refused = None
        for _attempt in range(2):
            request_headers = {"Accept": "application/json", **(headers or {})}
            if authenticated:
                token = self._tokens.get_or_fetch(self.fetch_token, refused=refused)
                request_headers["Authorization"] = f"Bearer {token.value}"
            response = self._send(method, url, idempotent=idempotent, headers=request_headers,
                                  **kwargs)
            # A 401 means the token died early (DGII restarted, or revoked it): nothing was
            # taken, so one retry with a new token is safe even for a reception.
            if response.status_code == 401 and authenticated and refused is None:
                refused = token.value
                continue
            return self._check(response, idempotent=idempotent)
        return self._check(response, idempotent=idempotent)

    def _send(self, method: str, url: str, *, idempotent: bool, **kwargs: Any) -> requests.Response:
        try:
            return self._session.request(method, url, timeout=self._timeout,
                                         allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            if idempotent or _nothing_sent(exc):
                raise DgiiUnavailable(f"DGII unreachable: {exc}") from exc
            raise DgiiOutcomeUnknown(f"DGII's answer was lost: {exc}") from exc

    def _check(self, response: requests.Response, *, idempotent: bool) -> requests.Response:
        status = response.status_code
        if 200 <= status < 300:
            return response
        messages = _error_messages(response)
        detail = f"DGII answered {status} to {response.request.method} {response.url}"
        if status == 504 and not idempotent:
            raise DgiiOutcomeUnknown(detail, status_code=status, messages=messages)
        if status >= 500 or status in (408, 429) or 300 <= status < 400:
            raise DgiiUnavailable(detail, status_code=status, messages=messages)
        raise DgiiRejected(detail, status_code=status, messages=messages)

    def _read(self, response: requests.Response, parse: Callable[[Any], Any], *,
              idempotent: bool) -> Any:
        try:
            return parse(response.json())
        except (ValueError, MalformedAnswer) as exc:
            error = DgiiUnavailable if idempotent else DgiiOutcomeUnknown
            raise error(f"DGII's answer could not be read: {exc}",
                        status_code=response.status_code) from exc


def _nothing_sent(exc: requests.RequestException) -> bool:
    """Whether the request certainly never left: no connection was ever made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _error_messages(response: requests.Response) -> tuple[Message, ...]:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()[:500]
        return (Message(code="", text=text),) if text else ()
    if not isinstance(body, dict):
        return ()
    _track_id, messages = parse_receipt(body)
    title = str(body.get("title") or "").strip()  # ASP.NET's problem details
    return messages or ((Message(code="", text=title),) if title else ())


def client_for(workspace, *, session: requests.Session | None = None) -> DgiiClient:
    """The workspace's client, in its environment. Its certificate is read only when a new
    token must be fetched (a cached token needs no key); `CertificateUnusable` then."""
    from .pipeline import sign_seed
    from .selectors import environment_for, signing_credentials

    def sign(seed: bytes) -> bytes:
        return sign_seed(seed, signing_credentials(workspace))

    return DgiiClient(workspace_id=workspace.pk, environment=environment_for(workspace),
                      sign=sign, session=session)


def forget_tokens(workspace_id: int) -> None:
    """Drop the workspace's cached tokens in every environment: call it when its certificate
    is installed, replaced or removed (a token belongs to the certificate that got it)."""
    for environment in ENVIRONMENTS:
        TokenStore(workspace_id, environment, lock_seconds=1).forget()

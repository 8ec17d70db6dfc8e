"""The one HTTP POST of an attempt, SSRF-safe.

Only http(s). The host is resolved once; every address it resolves to must be public
(loopback and private networks are refused unless `WEBHOOKS_ALLOW_PRIVATE`; link-local —
where clouds keep their metadata service —, multicast, unspecified and reserved addresses
always), and the connection goes to the address that was checked, so a second lookup cannot
point it elsewhere (DNS rebinding). HTTPS still verifies the certificate for the host name.
Redirects are never followed. The whole attempt has `WEBHOOKS_TIMEOUT` seconds, and at most
`WEBHOOKS_RESPONSE_LIMIT` bytes of the answer are read.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _


class Refused(Exception):
    """The URL or the address it resolves to is not one we send to."""


@dataclass
class Answer:
    status_code: int | None
    duration_ms: int
    error: str = ""
    body: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 \
            and not self.error


def address_refusal(address: str, *, allow_private: bool | None = None) -> str | None:
    """Why this IP address is refused, or None when it may be sent to."""
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local:
        return _("%(ip)s is a link-local address") % {"ip": ip}
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return _("%(ip)s is not a unicast address") % {"ip": ip}
    if ip.is_loopback:
        return None if allow_private else _("%(ip)s is a loopback address") % {"ip": ip}
    if ip.is_private or not ip.is_global:
        return None if allow_private else _("%(ip)s is a private address") % {"ip": ip}
    return None


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an acceptable URL; Refused otherwise. Names are not
    resolved here (that happens at each attempt), but literal addresses and `localhost`
    are judged at once."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise Refused(_("Only http:// and https:// URLs are accepted."))
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise Refused(_("The URL's port is not valid.")) from None
    if not host:
        raise Refused(_("The URL has no host."))
    if parts.username or parts.password:
        raise Refused(_("Put no user or password in the URL; verify the signature instead."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    literal = None
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            literal = ipaddress.ip_address("127.0.0.1")
    if literal is not None:
        reason = address_refusal(str(literal))
        if reason:
            raise Refused(_("Deliveries to %(reason)s are refused.") % {"reason": reason})
    return parts.scheme, host, port, path


def resolve(host: str, port: int) -> str:
    """The address to connect to: every address the name has must be acceptable."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(_("The host %(host)s could not be resolved (%(error)s).")
                      % {"host": host, "error": exc}) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        reason = address_refusal(address)
        if reason:
            raise Refused(_("Deliveries to %(reason)s are refused.") % {"reason": reason})
    return addresses[0]


def post(url: str, body: bytes, headers: dict) -> Answer:
    """POST `body` once; never raises (a refusal or a network error is the answer's error)."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port, path = check_url(url)
        address = resolve(host, port)
    except Refused as refused:
        return Answer(None, elapsed(), error=str(refused))
    timeout = urllib3.Timeout(total=settings.WEBHOOKS_TIMEOUT)
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1,
            server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED",
            ca_certs=settings.WEBHOOKS_CA_BUNDLE or certifi.where())
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False,
                                          maxsize=1)
    default_port = 443 if scheme == "https" else 80
    host_header = host if ":" not in host else f"[{host}]"
    if port != default_port:
        host_header += f":{port}"
    try:
        response = pool.urlopen("POST", path, body=body,
                                headers={**headers, "Host": host_header},
                                redirect=False, retries=False, preload_content=False,
                                assert_same_host=False)
        try:
            excerpt = response.read(settings.WEBHOOKS_RESPONSE_LIMIT, decode_content=False)
        finally:
            response.release_conn()
            response.close()
    except urllib3.exceptions.HTTPError as exc:
        reason = getattr(exc, "reason", None) or exc
        return Answer(None, elapsed(), error=f"{type(exc).__name__}: {reason}"[:500])
    finally:
        pool.close()
    text = excerpt.decode("utf-8", "replace")[:1000]
    error = ""
    if 300 <= response.status < 400:
        error = _("Redirects are not followed (Location: %(location)s).") \
            % {"location": response.headers.get("Location", "")[:300]}
    return Answer(response.status, elapsed(), error=error, body=text)

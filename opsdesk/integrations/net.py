"""Outbound HTTP for webhooks and chat channels: one POST, no redirects, a timeout, and no way into our own network.

`check_url` resolves the host and refuses loopback, private, link-local, multicast, reserved, shared and unspecified
addresses (IPv4 and IPv6, IPv4-mapped ones included) unless the host or the address is listed in
`settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS` (names, addresses or networks). `post` then connects to the very address
it checked, so a DNS answer that changes between the check and the connection (DNS rebinding) cannot redirect the
call, while the Host header and, for https, the TLS server name (SNI) and certificate check use the URL's host.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10
EXCERPT_BYTES = 2000
USER_AGENT = "OpsDesk-Webhooks/1"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL may not be called: the sentence says why, in the reader's language."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as in the URL, lower case, without brackets
    port: int
    path: str  # path and query
    address: str  # the checked address to connect to

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str
    duration_ms: int


def _allowed() -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names: set[str] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in getattr(settings, "OPSDESK_WEBHOOK_ALLOWED_HOSTS", []):
        entry = entry.strip().lower().strip("[]")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry)
    return names, networks


def is_internal(address: Address) -> bool:
    """True for every address that is not plainly on the public internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def allowed_host(host: str) -> bool:
    """Whether the host (a name or an address) is listed in OPSDESK_WEBHOOK_ALLOWED_HOSTS."""
    names, networks = _allowed()
    host = host.lower().strip("[]")
    if host in names:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _address_allowed(address: Address) -> bool:
    _names, networks = _allowed()
    plain = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped else address
    return any(address in network or plain in network for network in networks)


def split(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of an http(s) URL; Refused when it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(_("This is not a valid address.")) from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Give an http or https address."))
    if parts.username or parts.password:
        raise Refused(_("The address may not contain a user name or password."))
    host = parts.hostname.lower()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


def check_scheme(url: str) -> None:
    """An https address, or http to an allowed host (a receiver inside your own network, or a test)."""
    scheme, host, _port, _path = split(url)
    if scheme != "https" and not allowed_host(host):
        raise Refused(_("Use an https address."))


def check_url(url: str) -> Target:
    """Resolve the URL's host and check every address it has; the first one is where `post` connects."""
    scheme, host, port, path = split(url)
    host_allowed = allowed_host(host)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(_("The host name could not be resolved.")) from error
    addresses: list[Address] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused(_("The host name could not be resolved."))
    for address in addresses:
        if is_internal(address) and not host_allowed and not _address_allowed(address):
            raise Refused(
                _("%(host)s is an internal address (%(address)s); only public addresses can be called.")
                % {"host": host, "address": address}
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, hostname checking on (the tests trust their own authority here)."""
    return ssl.create_default_context()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with SNI and the certificate checked against the URL's host name."""

    def __init__(self, address: str, server_name: str, port: int, timeout: float) -> None:
        super().__init__(address, port, timeout=timeout, context=tls_context())
        self._server_name = server_name

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)  # type: ignore[attr-defined]


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_SECONDS) -> Answer:
    """POST `body` to the checked target; never follows a redirect. OSError (timeouts included) on failure."""
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPS(target.address, target.host, target.port, timeout)
    else:
        connection = http.client.HTTPConnection(target.address, target.port, timeout=timeout)
    all_headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        **headers,
    }
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=all_headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES)
    except http.client.HTTPException as error:
        raise OSError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    return Answer(status=response.status, excerpt=excerpt.decode("utf-8", errors="replace"), duration_ms=duration)

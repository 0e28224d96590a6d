"""Where the server may send Web Push messages: public https push services, nothing inside.

A push subscription's endpoint is a URL the browser gives, and the server
POSTs to it. Unchecked, anyone signed in could make the server call its own
network (a database port, a cloud metadata address). So an endpoint is
accepted only when it is ``https`` on the standard port and its host
resolves to public addresses only; optionally (``PUSH_SERVICE_HOSTS``) only
the known push services. It is checked when subscribed and again before
each send, and the send connects to the very address that was checked, so
a name that resolves elsewhere a second later (DNS rebinding) gains nothing.

Tests run a stand-in push service on 127.0.0.1 over plain http; the setting
``PUSH_ALLOW_LOOPBACK_FOR_TESTS`` (app config only, never read from the
environment) lets exactly that through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ..domain.errors import translatable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
HTTPS_PORT = 443
# NAT64's well-known prefix carries an IPv4 address a gateway would reach for us.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class EndpointRefused(Exception):
    """The endpoint may not be sent to; ``reason`` says why in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EndpointUnresolved(EndpointRefused):
    """The endpoint's host name did not resolve (perhaps only for now)."""


@dataclass(frozen=True)
class VettedEndpoint:
    """An endpoint that passed, and the address a send must connect to."""

    url: str
    host: str
    address: str


def resolve(host: str, port: int) -> list[Address]:
    """Return every address the host name resolves to (none if it does not)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    found: list[Address] = []
    for info in infos:
        # An IPv6 address may carry a zone ("fe80::1%eth0"): the address is before it.
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def is_public(address: Address) -> bool:
    """Return whether an address is on the public internet (not ours, not special)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return (
        address.is_global
        and not address.is_private
        and not address.is_loopback
        and not address.is_link_local
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
    )


def _host_allowed(host: str, allowed: Sequence[str]) -> bool:
    return not allowed or any(host == name or host.endswith("." + name) for name in allowed)


def vet(
    url: str,
    *,
    allowed_hosts: Sequence[str] = (),
    allow_loopback: bool = False,
    resolver: Callable[[str, int], list[Address]] | None = None,
) -> VettedEndpoint:
    """Return the endpoint with the address to send to, or raise ``EndpointRefused``."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise EndpointRefused(translatable("It must be an https address."))
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused(translatable("It must not carry a user name or password."))
    try:
        host, port = parts.hostname, parts.port
    except ValueError as error:  # a port that is not a number, or out of range
        raise EndpointRefused(translatable("Its port is not valid.")) from error
    if not host:
        raise EndpointRefused(translatable("It must name a host."))
    host = host.rstrip(".").lower()
    port = port or (HTTPS_PORT if parts.scheme == "https" else 80)
    addresses = (resolver or resolve)(host, port)
    if not addresses:
        raise EndpointUnresolved(translatable("Its host could not be found."))
    if allow_loopback and all(address.is_loopback for address in addresses):
        # The tests' stand-in push service only: see the module's docstring.
        return VettedEndpoint(url, host, str(addresses[0]))
    if parts.scheme != "https":
        raise EndpointRefused(translatable("It must be an https address."))
    if port != HTTPS_PORT:
        raise EndpointRefused(translatable("It must use the standard https port."))
    if not _host_allowed(host, allowed_hosts):
        raise EndpointRefused(
            translatable("It is not one of the push services this council allows.")
        )
    if not all(is_public(address) for address in addresses):
        raise EndpointRefused(translatable("It must be a public push service."))
    return VettedEndpoint(url, host, str(addresses[0]))


def vet_with_config(url: str, config: Any) -> VettedEndpoint:
    """Vet an endpoint under the app's settings."""
    return vet(
        url,
        allowed_hosts=config.get("PUSH_SERVICE_HOSTS") or (),
        allow_loopback=bool(config.get("PUSH_ALLOW_LOOPBACK_FOR_TESTS")),
    )


def _pinned(connection_class: type[HTTPConnection], address: str) -> type[HTTPConnection]:
    class PinnedConnection(connection_class):  # type: ignore[valid-type,misc]  # made per send
        """Connect to the checked address; the name still serves Host, SNI and the certificate."""

        def _new_conn(self) -> Any:
            # urllib3 connects to _dns_host, and reads the name from it everywhere
            # else: swap the address in for the connect alone.
            name: str = self._dns_host  # type: ignore[has-type]  # urllib3's, unseen in a class made at run time
            self._dns_host = address
            try:
                return super()._new_conn()
            finally:
                self._dns_host = name

    return PinnedConnection


class PinnedAdapter(HTTPAdapter):
    """A transport that connects every request to one address, whatever its URL's host."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_pool = type(
            "PinnedHTTPConnectionPool",
            (HTTPConnectionPool,),
            {"ConnectionCls": _pinned(HTTPConnection, self.address)},
        )
        https_pool = type(
            "PinnedHTTPSConnectionPool",
            (HTTPSConnectionPool,),
            {"ConnectionCls": _pinned(HTTPSConnection, self.address)},
        )
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}


def pinned_session(endpoint: VettedEndpoint) -> requests.Session:
    """Return a requests session that reaches the endpoint only at its checked address."""
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment may carry it elsewhere
    session.max_redirects = 0  # a push service answers; it never sends us on elsewhere
    adapter = PinnedAdapter(endpoint.address)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session

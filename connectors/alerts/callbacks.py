"""Which REST callback URLs a benefit alert may be POSTed to (server-side request forgery guard).

A subscription's callback URL comes from outside, and the assistant POSTs to it later from inside the
network, so an unchecked URL would let anyone make the server call its own admin endpoints, an internal
service or the cloud metadata service (OWASP "Server Side Request Forgery Prevention Cheat Sheet"; CWE-918).
:class:`CallbackPolicy` checks a URL at subscribe time *and again before every delivery* (a row stored
before the rules tightened, or a name whose DNS changed, is never called), and the notifier connects to the
address that was checked (no second DNS look-up between check and call: DNS rebinding).

Rules, in order (each refusal is a :class:`CallbackNotAllowedError`, HTTP 422):

1. ``http`` or ``https`` only; no user name or password in the URL; a host is required.
2. The host must be allowed by ``ASSISTANT_ALERT_CALLBACK_HOSTS`` (see :class:`~assistant.settings.Settings`):
   an exact name, a ``*.suffix`` wildcard, ``*`` (any name), or an IP literal inside a listed network.
   While the server is bound to a loopback address (development), ``localhost``, 127.0.0.0/8 and ::1 are
   allowed too.
3. Every address the host resolves to must be public (:attr:`ipaddress.IPv4Address.is_global`), or inside a
   listed network. An exactly named host may also resolve to a private address (the operator named it);
   loopback, link-local (169.254.0.0/16, fe80::/10: where cloud metadata services answer), the known metadata
   addresses, multicast and unspecified addresses never pass unless their network is listed.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from assistant.auth import is_loopback_host
from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Cloud metadata endpoints outside the link-local ranges (AWS IPv6; Alibaba Cloud's is in 100.64.0.0/10).
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")})
_LOOPBACK_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$")
SETTING = "ASSISTANT_ALERT_CALLBACK_HOSTS"


class CallbackNotAllowedError(InvalidInputError):
    """A callback URL that the policy refuses (HTTP 422); the message says which rule and how to allow it."""


Resolver = Callable[[str, int], list[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (:func:`socket.getaddrinfo`), as strings.

    Raises:
        OSError: the name does not resolve.
    """
    return sorted({str(info[4][0]).split("%")[0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


@dataclass(frozen=True)
class CheckedCallback:
    """A callback URL that passed the policy, with the addresses it was checked against.

    Attributes:
        url: the URL as given; scheme, host, port: its parts (port filled in from the scheme).
        addresses: the resolved addresses that passed (the notifier connects to the first).
    """

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]

    def pinned(self) -> tuple[str, dict[str, str], dict[str, Any]]:
        """``(url, headers, extensions)`` for httpx that connect to ``addresses[0]`` while the request still
        names the host (``Host`` header; TLS server name and certificate check by ``sni_hostname``)."""
        parts = urlsplit(self.url)
        ip = ipaddress.ip_address(self.addresses[0])
        ip_text = f"[{ip}]" if ip.version == 6 else str(ip)
        default = 443 if self.scheme == "https" else 80
        host_header = self.host if self.port == default else f"{_bracket(self.host)}:{self.port}"
        url = urlunsplit((self.scheme, f"{ip_text}:{self.port}", parts.path or "/", parts.query, ""))
        extensions: dict[str, Any] = {"sni_hostname": self.host} if self.scheme == "https" else {}
        return url, {"Host": host_header}, extensions


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _address(text: str) -> IPAddress:
    ip = ipaddress.ip_address(text)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip


class CallbackPolicy:
    """The allow-list of callback hosts (see the module docstring for the rules).

    Args:
        allowed: entries as in ``ASSISTANT_ALERT_CALLBACK_HOSTS``: ``name``, ``*.suffix``, ``*``, IP, network.
        allow_loopback: also allow ``localhost``, 127.0.0.0/8 and ::1 (development).
        resolve: host, port → addresses (tests inject a fixed table; default :func:`resolve_host`).

    Raises:
        InvalidConfigError: an entry that is none of the forms above (the message names it).

    Example:
        >>> policy = CallbackPolicy(["hooks.example.org"], resolve=lambda host, port: ["93.184.215.14"])
        >>> policy.check("https://hooks.example.org/alerts").addresses
        ('93.184.215.14',)
        >>> policy.check("http://10.0.0.5/")
        Traceback (most recent call last):
        ...
        connectors.alerts.callbacks.CallbackNotAllowedError: callback host '10.0.0.5' is not allowed ...
    """

    def __init__(self, allowed: Iterable[str] = (), allow_loopback: bool = True, resolve: Resolver | None = None) -> None:
        self.names: set[str] = set()
        self.suffixes: list[str] = []
        self.networks: list[IPNetwork] = []
        self.any_name = False
        self.allow_loopback = allow_loopback
        self.resolve = resolve or resolve_host
        for raw in allowed:
            self._add(raw)
        if allow_loopback:
            self.networks.extend(_LOOPBACK_NETWORKS)

    @classmethod
    def from_settings(cls, settings: Settings, resolve: Resolver | None = None) -> CallbackPolicy:
        """``settings.alert_callback_hosts``; loopback allowed while ``settings.host`` is loopback."""
        return cls(settings.alert_callback_hosts, is_loopback_host(settings.host), resolve)

    def _add(self, raw: str) -> None:
        entry = raw.strip().lower().rstrip(".")
        if entry == "*":
            self.any_name = True
            return
        try:
            self.networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            return
        except ValueError:
            pass
        name = entry[2:] if entry.startswith("*.") else entry
        if not _HOSTNAME.match(name):
            raise InvalidConfigError(f"{SETTING} entry {raw!r} is not a host name, '*.suffix', '*', an IP address or "
                                     "a network (no scheme, port or path)")
        if entry.startswith("*."):
            self.suffixes.append("." + name)
        else:
            self.names.add(name)

    def describe(self) -> str:
        """The allowed entries, for error messages."""
        shown = sorted(self.names) + ["*" + s for s in self.suffixes] + [str(n) for n in self.networks]
        shown += ["*"] if self.any_name else []
        return ", ".join(shown) or "none"

    def check(self, url: str) -> CheckedCallback:
        """Check ``url`` against the rules, resolving its host.

        Returns:
            The URL's parts and the resolved addresses that passed.

        Raises:
            CallbackNotAllowedError: a rule refused it (the message says which and how to allow the host).
        """
        if not isinstance(url, str) or len(url) > 2000 or any(ord(c) < 33 or c == "\x7f" for c in url):
            raise CallbackNotAllowedError("a callback URL must be at most 2000 characters without spaces or control characters")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise CallbackNotAllowedError(f"a REST callback address must be an http(s) URL, got scheme {scheme or 'none'!r}")
        if "@" in parts.netloc:
            raise CallbackNotAllowedError("a callback URL must not carry a user name or password")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise CallbackNotAllowedError(f"a callback URL needs a host, got {url[:80]!r}")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as e:
            raise CallbackNotAllowedError(f"the callback URL's port is not valid: {e}") from e
        literal = self._literal(host)
        named = literal is None and host in self.names
        if not self._host_allowed(host, literal, named):
            raise CallbackNotAllowedError(
                f"callback host {host!r} is not allowed (allowed: {self.describe()}); an operator can add it to {SETTING}")
        try:
            addresses = [literal] if literal is not None else [_address(a) for a in self.resolve(host, port)]
        except (OSError, UnicodeError, ValueError) as e:
            raise CallbackNotAllowedError(f"callback host {host!r} does not resolve ({type(e).__name__})") from e
        if not addresses:
            raise CallbackNotAllowedError(f"callback host {host!r} does not resolve")
        for ip in addresses:
            if not self._address_allowed(ip, named):
                raise CallbackNotAllowedError(
                    f"callback host {host!r} resolves to {ip}, a private, loopback, link-local or metadata address; "
                    f"list its network in {SETTING} to allow it")
        return CheckedCallback(url, scheme, host, port, tuple(str(a) for a in addresses))

    @staticmethod
    def _literal(host: str) -> IPAddress | None:
        try:
            return _address(host)
        except ValueError:
            return None

    def _host_allowed(self, host: str, literal: IPAddress | None, named: bool) -> bool:
        if literal is not None:
            return self.any_name or any(literal in n for n in self.networks)
        if named or self.any_name or any(host.endswith(s) for s in self.suffixes):
            return True
        return self.allow_loopback and host == "localhost"

    def _address_allowed(self, ip: IPAddress, named: bool) -> bool:
        if any(ip in n for n in self.networks):
            return True
        if ip in METADATA_ADDRESSES or ip.is_link_local or ip.is_loopback or ip.is_multicast or ip.is_unspecified:
            return False
        return ip.is_global or named

"""Where kpilot may send: one parser for webhook URLs and SMTP settings, used when an admin saves a channel and
again before every send, so nothing saved can fail differently later.

Only public addresses, after DNS resolution (no loopback, link-local, private, shared, multicast or reserved
ranges, no IPs in odd encodings such as `0x7f000001`, `2130706433` or `0177.1`, no user-info URLs), unless the
host is named in `KPILOT_WEBHOOK_ALLOW` (an intranet relay). The connection goes to the address that was
checked (no second lookup an attacker's DNS could answer differently), redirects are never followed, and a
remote answer is reported by its status only.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_S = 5.0
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?", re.I)
Allow = frozenset[str]


class TargetRefused(ValueError):
    """A destination kpilot will not send to; `code` is stable, the text says why (never a remote answer)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked destination: host name as written, port, and for webhooks the scheme and path with query."""

    host: str
    port: int
    scheme: str = "smtp"
    path: str = "/"


def allow_list(spec: str) -> Allow:
    """The `KPILOT_WEBHOOK_ALLOW` setting as a set of lower-case host names and addresses."""
    return frozenset(p.strip().lower().rstrip(".") for p in spec.split(",") if p.strip())


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_link_local)


def check_host(host: str, allow: Allow) -> None:
    """TargetRefused unless `host` is a plain host name or a public IP written the usual way (or allowed)."""
    name = host.lower().rstrip(".")
    if name in allow:
        return
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        ip = None
    if ip is None:
        if all(_NUMERIC_LABEL.fullmatch(label) for label in name.split(".") if label):
            raise TargetRefused("outbound_odd_ip", f"{host!r} is an IP address in an unusual encoding; write it out.")
        if not _HOST_NAME.fullmatch(name) or name == "localhost" or name.endswith(".localhost"):
            raise TargetRefused("outbound_bad_host", f"{host!r} is not a host name kpilot sends to.")
        return
    if not _public(ip):
        raise TargetRefused(
            "outbound_private", f"{host} is not a public address; name it in KPILOT_WEBHOOK_ALLOW to allow it."
        )


def _clean(text: str, what: str) -> None:
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        raise TargetRefused("outbound_control_chars", f"The {what} contains spaces, line breaks or control characters.")


def parse_webhook(url: str, allow: Allow) -> Target:
    """The checked target of a robot's webhook URL (http(s), host, numeric port, no user info)."""
    _clean(url, "webhook URL")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("outbound_bad_url", "A webhook needs an http(s) URL with a host.")
    if "@" in parts.netloc:
        raise TargetRefused("outbound_userinfo", "A webhook URL may not carry a user name or password before the host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise TargetRefused("outbound_bad_port", "The webhook URL's port is not a number from 1 to 65535.") from exc
    check_host(parts.hostname, allow)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(host=parts.hostname, port=port, scheme=parts.scheme, path=path)


def parse_smtp(settings: dict[str, object], allow: Allow) -> Target:
    """The checked SMTP server of an e-mail channel; sender and recipients one line each, with an `@`."""
    host, port = str(settings.get("smtp_host") or ""), settings.get("smtp_port")
    _clean(host, "SMTP host")
    if not host or not isinstance(port, int) or not 1 <= port <= 65535:
        raise TargetRefused("outbound_bad_smtp", "An e-mail channel needs an SMTP host and a port from 1 to 65535.")
    for name in ("smtp_from", "smtp_username"):
        value = str(settings.get(name) or "")
        if any(c in value for c in "\r\n\0"):
            raise TargetRefused("outbound_header_crlf", f"{name} may not contain a line break.")
    sender = str(settings.get("smtp_from") or "")
    if sender.count("@") != 1 or any(c in sender for c in " ,;<>\t"):
        raise TargetRefused("outbound_bad_sender", "smtp_from must be one e-mail address.")
    check_host(host, allow)
    return Target(host=host, port=port)


def resolve(target: Target, allow: Allow) -> str:
    """The address to connect to: every address the name resolves to must be public (or the host allowed)."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused("outbound_unresolved", f"{target.host} does not resolve.") from exc
    addresses = [str(info[4][0]) for info in infos]
    if target.host.lower().rstrip(".") in allow:
        return addresses[0]
    # Every address must be public or allowed (a name that also resolves inside is refused whole).
    usable = [a for a in addresses if a in allow or _public(ipaddress.ip_address(a.split("%")[0]))]
    if not usable or len(usable) != len(addresses):
        raise TargetRefused(
            "outbound_private",
            f"{target.host} resolves to an address that is not public; name it in KPILOT_WEBHOOK_ALLOW to allow it.",
        )
    return usable[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to an address checked beforehand, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned_ip = ip

    def connect(self) -> None:
        """Connect to the pinned address."""
        self.sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address checked beforehand; the certificate is still checked for the host name."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.pinned_ip = ip

    def connect(self) -> None:
        """Connect to the pinned address and start TLS for the host name."""
        sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, ip: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST `body` to a checked target at `ip`; (status, at most 64 KB of the answer). Never follows a redirect."""
    cls = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    conn = cls(target.host, target.port, ip, TIMEOUT_S)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read(65_536)
    finally:
        conn.close()

"""The one loopback predicate, shared by the client, the mock and the conformance suite."""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str) -> bool:
    """Return whether ``host`` names this machine: ``localhost``, 127.0.0.0/8, ``::1`` or ``::ffff:127.x.y.z``.

    Brackets around an IPv6 literal (``[::1]``, as in a URL) are stripped. Only names that need no resolver
    count: not ``localhost.``, ``foo.localhost`` or ``127.0.0.1.nip.io``, which DNS may send anywhere.
    """
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])  # a zone id (fe80::1%eth0) is not part of the address
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 is 127.0.0.1 reached over an IPv6 socket; `is_loopback` says False for it.
        return address.ipv4_mapped.is_loopback
    return address.is_loopback

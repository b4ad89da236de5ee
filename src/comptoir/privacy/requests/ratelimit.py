"""A fixed-window rate limit on Django's cache, for the public request page.

Why not django-ratelimit: it would be one more dependency for two counters,
and it keys its counters on the raw value given (here an email address),
which would then sit in the cache (Redis in production) in clear. These
counters are keyed by a keyed hash (HMAC under a key derived from the master
key), so the cache never holds the address nor the client's IP, and they use
the same cache as everything else (``CACHES["default"]``: Redis when several
processes serve, per-process memory otherwise).

``cache.add`` starts a window only if none is running and ``cache.incr`` is
atomic on Redis and memcached, so parallel requests each count.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.core.cache import cache

from comptoir.privacy.masterkey import derived_key


@dataclass(frozen=True)
class Limit:
    name: str
    count: int  # at most this many hits
    seconds: int  # per window of this length


# The public page: per client address, and per email address asked about.
PER_IP = Limit("ip", 10, 3600)
PER_ADDRESS = Limit("address", 3, 86400)


def _key(limit: Limit, value: str) -> str:
    digest = hmac.new(
        derived_key("rights-request-rate-limit"), value.encode(), hashlib.sha256
    ).hexdigest()
    return f"privacy-requests:rl:{limit.name}:{digest[:40]}"


def allow(limit: Limit, value: str) -> bool:
    """Count one hit of ``value`` against ``limit``; False once it is exceeded."""
    key = _key(limit, value)
    if cache.add(key, 1, timeout=limit.seconds):
        return True
    try:
        hits = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=limit.seconds)
        return True
    return hits <= limit.count

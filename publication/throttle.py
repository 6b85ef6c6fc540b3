"""A per-client limit on the public pages, kept in the Django cache (shared by every worker when it is Redis)."""

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or the header a trusted reverse proxy sets
    (``TIDTAM_PUBLIC_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``)."""
    header = settings.TIDTAM_PUBLIC_CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    return (value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "unknown"


def allowed(request) -> bool:
    """Counts this request against its client's window of one minute; False once the limit is passed."""
    limit = settings.TIDTAM_PUBLIC_REQUESTS_PER_MINUTE
    if limit <= 0:
        return True
    key = f"publication:rate:{client_ip(request)}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=70):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    return count <= limit

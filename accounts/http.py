"""Small request helpers every app may use: where to send the user back to, safely."""

from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_local(url: str, request) -> bool:
    """``url`` leads to this site: a path (``/…``, not ``//…`` nor ``/\\…``) or this host over the same scheme."""
    if not url or "\\" in url or any(ord(c) < 32 for c in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())


def safe_next(request, fallback: str, *, referer: bool = False) -> str:
    """The ``next`` the form posted (or, with ``referer``, the page the user came from) when it stays on
    this site; ``fallback`` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target and referer:
        target = request.META.get("HTTP_REFERER", "")
    return target if is_safe_local(target, request) else fallback

"""The review and approval queues' other sources: each app registers what waits for review in its
``AppConfig.ready()``, so the forms' queue page lists them without importing the apps that own them.

A source is ``items(user, *, office, fiscal_year, state)`` returning the visible records of that office and
year (every year when ``fiscal_year`` is None) in ``state`` (``"submitted"`` waits for verification, ``"verified"`` for approval).
"""

from collections.abc import Callable

_SOURCES: dict[str, Callable] = {}


def register(key: str, items: Callable) -> None:
    """Add (or replace) the source ``key``; the queue template names it (``other_items.<key>``)."""
    _SOURCES[key] = items


def waiting(user, *, office, fiscal_year, state: str) -> dict:
    """{key: records} of every registered source."""
    return {key: items(user, office=office, fiscal_year=fiscal_year, state=state) for key, items in _SOURCES.items()}

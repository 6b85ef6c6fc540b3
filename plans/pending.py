"""What waits for a user, shown on their home page whatever fiscal year it belongs to.

The apps that own the work (forms, editions…) register a source in their ``AppConfig.ready()``, so the home
page lists it without importing them (like ``reviews.queues``). A source is ``items(user, *, office, today)``
returning a list of blocks, each a dict with the ``template`` that renders it and what that template needs.
A source runs a bounded number of queries whatever the amount of work waiting.
"""

from collections.abc import Callable

_SOURCES: dict[str, Callable] = {}


def register(key: str, items: Callable) -> None:
    """Add (or replace) the source ``key``."""
    _SOURCES[key] = items


def for_user(user, *, office, today) -> list[dict]:
    """Every registered source's blocks for ``user``, in the order the sources were registered."""
    return [block for items in _SOURCES.values() for block in items(user, office=office, today=today)]

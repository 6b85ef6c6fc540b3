"""Reads from a read replica, where the page asks for it and a replica is configured (issue 18 §4).

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database alias. Views whose reads may lag the
primary by a moment — the central roll-up and the public pages — are wrapped in :func:`reads_from_replica`
(or run their reads inside :func:`reading_from_replica`); their queries then go to the replica. Everything else,
and every write anywhere (including a write made inside such a view, and any read inside a transaction on the
primary), goes to ``default``. Without a replica alias the wrapper changes nothing.

No home-made replication: the replica is PostgreSQL's own streaming replica (see README, "Growing past one
machine"); migrations run on ``default`` only and reach the replica by replication.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_wanted: ContextVar[bool] = ContextVar("tidtam_reads_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica():
    """Reads inside go to the replica (when there is one); writes still go to the primary."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def reads_from_replica(view):
    """Decorate a read-only page: its queries go to the replica when one is configured."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Listed in settings.DATABASE_ROUTERS."""

    def db_for_read(self, model, **hints):
        if _wanted.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        # Explicitly the primary: an object read from the replica must not drag later reads there.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: objects from either may be related

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS

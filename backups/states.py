"""The models of a database as its migrations left it, which may be older than the code's.

A backup reads the rows with the models of the migrations the database has (a deployment may be backed up
after the code was updated and before ``migrate``); a restore of an older archive loads the rows with the
models of the archive's migrations, then migrates forward. Historical models (``apps`` of a migration
state) have no natural keys: :func:`registry` lends them those of the code's models, so an archive names
content types, permissions and users the same way whichever models wrote it.
"""

from django.apps import apps as code_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader


def nodes(migrations: dict) -> set:
    return {(app, name) for app, names in migrations.items() for name in names}


def code_nodes(loader: MigrationLoader | None = None) -> set:
    loader = loader or MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.graph.nodes)


def targets(loader: MigrationLoader, wanted: set) -> list:
    """The ``migrate`` targets that leave exactly ``wanted`` applied: per app its last wanted migration,
    or (app, None) for an app none of whose migrations is wanted."""
    result = []
    for app in sorted(loader.migrated_apps):
        mine = [node for node in wanted if node[0] == app]
        leaves = [node for node in mine
                  if not any(child in wanted for child in loader.graph.node_map[node].children if child[0] == app)]
        if len(leaves) > 1:
            raise ValueError(f"{app} has more than one last migration: {sorted(leaves)}")
        result.append(leaves[0] if leaves else (app, None))
    return result


def registry(loader: MigrationLoader, applied: set):
    """The apps registry of the state ``applied`` leaves, with natural keys lent from the code's models;
    the code's own registry if ``applied`` is what the code has."""
    if applied == code_nodes(loader):
        return code_apps
    state = loader.project_state(sorted(applied), at_end=True).apps
    for model in state.get_models():
        try:
            current = code_apps.get_model(model._meta.label)
        except LookupError:
            continue
        if callable(getattr(current, "natural_key", None)):
            model.natural_key = _natural_key(current)
        manager = current._default_manager
        if callable(getattr(manager, "get_by_natural_key", None)):
            model._default_manager.get_by_natural_key = _get_by_natural_key(model, current)
    return state


def _natural_key(current):
    def natural_key(self):
        try:
            return current.natural_key(self)
        except (AttributeError, TypeError):
            shared = {field.attname for field in current._meta.concrete_fields} & \
                {field.attname for field in self._meta.concrete_fields}
            return current._default_manager.only(*shared).get(pk=self.pk).natural_key()
    return natural_key


def _get_by_natural_key(model, current):
    def get_by_natural_key(*key):
        manager = model._default_manager.db_manager(connection.alias)
        try:
            return type(current._default_manager).get_by_natural_key(manager, *key)
        except (AttributeError, TypeError, ValueError):
            pk = current._default_manager.get_by_natural_key(*key).pk
            return manager.get(pk=pk)
    return get_by_natural_key

"""An installation of before, which kept one committee's records without naming it, keeps them
all under "Đảng bộ phường Cầu Thia" once migrated: the demo is taken back to the schema before
committees (committees' first migration unapplied, targets 0018, cells 0009), on SQLite and
PostgreSQL alike, and forward again. Every row of every table of before is still there, each
column as it was, the history of changes among them; the years, areas, targets and cells are
the one committee's, and every user works for it.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APPS = ("committees", "targets", "cells")
BEFORE = [("committees", None), ("targets", "0018_nine_months"), ("cells", "0009_nine_months")]
NAME, KEY = "Đảng bộ phường Cầu Thia", "cau-thia"
ROOTS = [("targets", "year"), ("targets", "area"), ("targets", "target"), ("cells", "cell")]
# The history of changes: kept row for row, as every table is.
HISTORY = [("targets", "change"), ("targets", "figurechange")]


def migrate(targets):
    """Take the database to ``targets`` ([(app, migration or None)], as the migrate command
    does); the models of every app in that state (Django's historical models)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    graph, named = executor.loader.graph, dict(targets)
    nodes = [(app, named[app]) for app in named if named[app]] + [
        node for node in graph.leaf_nodes() if node[0] not in named
    ]
    return executor.loader.project_state(nodes).apps


def latest():
    graph = MigrationExecutor(connection).loader.graph
    return [node for app in APPS for node in graph.leaf_nodes(app)]


def tables(apps):
    """The models of a state's apps that have a table of their own (many-to-many links too)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def rows(model, columns=None):
    """Every row of ``model``, each as {column: value} (of ``columns``, else all)."""
    if columns is None:
        columns = [field.attname for field in model._meta.concrete_fields]
    return list(model.objects.order_by("pk").values(*columns))


@pytest.fixture
def demo_alone(transactional_db):
    """The demo's records alone, as an installation of before kept one committee's: the
    commune the other tests have beside it is not loaded."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)


def test_one_committees_records_of_before_become_cau_thias_and_none_is_lost(demo_alone):
    old = migrate(BEFORE)
    try:
        assert not any(model._meta.app_label == "committees" for model in old.get_models())
        before = {model._meta.label: (model, rows(model)) for model in tables(old)}
        for app, name in [*ROOTS, *HISTORY]:
            assert before[old.get_model(app, name)._meta.label][1], f"no {app}.{name} to keep"
    finally:
        now = migrate(latest())

    for label, (model, kept) in before.items():
        columns = [field.attname for field in model._meta.concrete_fields]
        assert rows(now.get_model(label), columns) == kept, label

    [committee] = now.get_model("committees", "Committee").objects.all()
    assert (committee.name, committee.slug, committee.superior_id) == (NAME, KEY, None)
    assert committee.lineage == f"/{committee.pk}/"
    for app, name in ROOTS:
        owners = now.get_model(app, name).objects.values_list("committee_id", flat=True)
        assert set(owners) == {committee.pk}, name
    users = now.get_model("auth", "User").objects.values_list("pk", flat=True)
    accounts = now.get_model("committees", "Account").objects.values_list("user_id", "committee")
    assert sorted(accounts) == sorted((user, committee.pk) for user in users)
    assert users

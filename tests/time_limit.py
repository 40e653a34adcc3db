"""No test may take longer than LIMIT seconds, its setup and teardown included.

A module's shared setup counts to the test that first needs it. What is set up once per test
process for the whole run (the test database, the live server, the HTML checker: fixtures of
session scope) does not count to the test that happens to start it, or to the last test, which
happens to end it: each is held to the same limit on its own. A test over the limit fails in
its teardown's report, named with its times, whatever else the run does.

TEST_TIME_LIMIT=off lifts the limit while debugging, and so does --pdb; on CI it always holds.
"""

import os
import time

import pytest

LIMIT = 15.0


def limit_of(config):
    if os.environ.get("CI") == "true":
        return LIMIT
    lifted = os.environ.get("TEST_TIME_LIMIT", "").lower() in ("off", "0", "no")
    return None if lifted or config.getoption("usepdb", False) else LIMIT


class TimeLimit:
    """A plugin: hooks of a conftest see only the fixtures of their folder, not the session's."""

    def __init__(self):
        self.item = None  # the test being run
        self.inside = []  # the session fixtures being set up, each with its inner ones' time

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        item.phase_seconds, item.shared_seconds, item.failed_before = {}, {}, False
        self.item = item
        try:
            return (yield)
        finally:
            self.item = None

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        if fixturedef.scope != "session" or self.item is None:
            return (yield)
        # A fixture that overrides one of its name (tests/conftest.py's django_db_setup) is
        # told apart by where it is declared, so that neither's time is taken for the other's.
        name, torn = f"{fixturedef.argname} {fixturedef.baseid}".strip(), {}

        def teardown_ended():
            if "from" in torn and self.item is not None:
                took = time.perf_counter() - torn["from"]
                self.item.shared_seconds[f"{name} (teardown)"] = took

        # Finalizers run last in, first out: this one after the fixture's own teardown, the
        # one added after its setup before it.
        fixturedef.addfinalizer(teardown_ended)
        self.inside.append(0.0)
        started = time.perf_counter()
        try:
            return (yield)
        finally:
            took = time.perf_counter() - started
            self.item.shared_seconds[name] = took - self.inside.pop()
            if self.inside:
                self.inside[-1] += took
            fixturedef.addfinalizer(lambda: torn.update({"from": time.perf_counter()}))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        item.phase_seconds[call.when] = call.duration
        item.failed_before |= report.failed
        limit = limit_of(item.config)
        if call.when != "teardown" or limit is None or item.failed_before:
            return report
        shared = item.shared_seconds
        spent = sum(item.phase_seconds.values()) - sum(shared.values())
        over = [f"{name} took {took:.1f} s" for name, took in shared.items() if took > limit]
        if spent > limit:
            phases = ", ".join(f"{when} {took:.1f} s" for when, took in item.phase_seconds.items())
            over.insert(0, f"the test took {spent:.1f} s ({phases})")
        if over:
            report.outcome = "failed"
            report.longrepr = (
                f"over the {limit:.0f} s a test may take: {'; '.join(over)} "
                "(TEST_TIME_LIMIT=off lifts the limit while debugging)"
            )
        return report

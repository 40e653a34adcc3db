"""The ward grown to the sizes a module's tests count queries at, grown once per test process."""

from django.core.management import call_command
from django.db import transaction

from targets.models import Year

from .helpers import CAU_THIA


class Wards:
    """The ward at each of ``sizes`` ({name: the steps that grow the demo to it}), in one
    transaction of the test process that outlasts a module's tests (each test's own is a
    savepoint in it), rolled back at the end: the ward is grown once per size, not per test."""

    def __init__(self, blocker, sizes):
        self.blocker, self.sizes, self.steps = blocker, sizes, []
        with blocker.unblock():
            self.outer = transaction.atomic()
            self.outer.__enter__()
            # The demo is gone after a test with transactions of its own.
            if not Year.objects.filter(committee__slug=CAU_THIA).exists():
                call_command("load_demo", verbosity=0)
            self.demo = transaction.savepoint()

    def at(self, size):
        steps = self.sizes[size]
        with self.blocker.unblock():
            if self.steps != steps[: len(self.steps)]:  # not on the way: back to the demo
                transaction.savepoint_rollback(self.demo)
                self.steps = []
            for step in steps[len(self.steps) :]:
                step()
            self.steps = list(steps)

    def end(self):
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.outer.__exit__(None, None, None)

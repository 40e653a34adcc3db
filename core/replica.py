"""Reads on a streaming replica of the database; every write, and the page after it, on the
primary.

Where one database server no longer carries a province's reads, the installation keeps its
primary ("default", DATABASE_URL) and a PostgreSQL streaming replica of it ("replica",
DATABASE_REPLICA_URL). The pages that read much and write nothing (a province's roll-up of its
communes, the API) mark their view with ``replica_reads``. A request reads the replica only when
all of these hold:

- a replica is configured;
- its view is marked;
- it is not pinned to the primary: its method is a safe one (GET, HEAD, OPTIONS, TRACE), and the
  same browser wrote nothing in the last REPLICA_PIN_SECONDS (a signed cookie,
  ``PrimaryAfterWriteMiddleware``), so that the page after a save shows what was saved even
  before the replica has replayed it;
- the read is not inside a transaction on the primary, which sees its own rows and one moment
  of the data (and is where a test's rows are, until it ends).

Every other read, every write and every migration is the primary's. Without a replica the
router answers nothing, and outside a request (commands, a test's own queries) every read is
the primary's.
"""

import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# The methods that change nothing (Django's require_safe): any other is a write.
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# When the browser last wrote, in seconds since the epoch, signed by the server.
PIN_COOKIE = "wrote_at"
PIN_SALT = "core.replica"
# The mark on a view function, and the attribute a class-based view may set instead.
MARK = "replica_reads"


def replica_reads(view):
    """Mark a view whose reads may go to the replica: one that writes nothing, and whose page
    may show data a few seconds old to a browser that wrote nothing meanwhile.

    A function view: ``@replica_reads`` (above or below Django's other decorators, which keep
    the mark). A class-based view, Django REST framework's included:
    ``@method_decorator(replica_reads, name="dispatch")`` on the class, or the class attribute
    ``replica_reads = True``. With ``@api_view``, put ``@replica_reads`` above it."""
    setattr(view, MARK, True)
    return view


def is_marked(view):
    """Whether the view a request resolved to is marked replica_reads, on itself or its class."""
    return getattr(view, MARK, False) is True or (
        getattr(getattr(view, "view_class", None), MARK, False) is True
    )


@dataclass
class RequestReads:
    """What the request being answered allows its reads: ``pinned`` to the primary by a write,
    its own or the browser's just before; ``marked`` once its view is known to be."""

    pinned: bool
    marked: bool = False


# The request being answered, in this thread or task; None outside a request.
current = ContextVar("replica_reads_request", default=None)


def replica_configured():
    return REPLICA in settings.DATABASES


def reads_replica():
    """Whether a read made now goes to the replica: the module's rule."""
    reads = current.get()
    return (
        reads is not None
        and reads.marked
        and not reads.pinned
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


class ReplicaRouter:
    """Sends the reads of a marked, unpinned request to the replica; everything else to the
    primary. Without a replica it answers nothing, and Django's default (the primary) holds."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        return REPLICA if reads_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        """A row read from the replica and one from the primary are rows of the same data."""
        if replica_configured() and {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """The replica replays the primary's migrations: none runs on it."""
        return db == DEFAULT_DB_ALIAS if replica_configured() else None


def wrote_lately(request):
    """Whether the browser's signed cookie says it wrote less than REPLICA_PIN_SECONDS ago."""
    wrote_at = request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT)
    try:
        return time.time() - float(wrote_at) < settings.REPLICA_PIN_SECONDS
    except (TypeError, ValueError):
        return False


def remember_write(response):
    """Tell the browser, for REPLICA_PIN_SECONDS, that it has just written."""
    if settings.REPLICA_PIN_SECONDS <= 0:
        return
    response.set_signed_cookie(
        PIN_COOKIE,
        f"{time.time():.3f}",
        salt=PIN_SALT,
        max_age=settings.REPLICA_PIN_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class PrimaryAfterWriteMiddleware:
    """Decide, for each request, whether a marked view may read the replica (the module's rule),
    and pin a browser that writes to the primary for REPLICA_PIN_SECONDS.

    Placed after the session and authentication middleware: from the moment the request's view
    is known (``process_view``) to the end of its answer, everything the request reads, the
    signed-in user included, follows the rule. With no replica it does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        token = current.set(RequestReads(pinned=writes or wrote_lately(request)))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        if writes:
            remember_write(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = current.get()
        if reads is not None and is_marked(view_func):
            reads.marked = True

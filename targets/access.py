"""The one door to a request's year: which year a page is about, and what its user may do in it.

Every view of a year asks ``year_for(request, number)``; its templates read the same answer as
``access`` (``template_context``, a context processor), so that no template rebuilds "may this
user change this year?" from permissions and the year's state. The admin, which has a user and a
record's year but no request of a year, asks ``access_to(user, year)``: the same rules.

What may be done on the cells' pages is answered from permission codenames (cells.roles), so
that this app never imports the cells app.

One installation hosts many party committees, and a page's address names its committee and
year (/cau-thia/2024/). The door takes both: the committee must be one the user may read (their
own; one under theirs, for a superior committee's staff; any, for a superuser), else the page is
not found, as if it did not exist. Years are looked up here and nowhere else (``Access.year``,
``Access.years``, ``Access.of_year``), through the committee: a view reaches the rows of its
own committee only. A superior committee's staff read a committee below theirs and change
nothing there: the door refuses them any request but a safe one (``reads_only``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from committees.models import OFFICE_STAFF, Committee, committee_id_of, committee_of, reads

from .models import Year

# Requests that change nothing: the only ones a reader from a superior committee may make.
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The ward-wide view of cells, which the ward's staff have (cells.roles). A user without it
# works on one cell only, as its secretary: the cell their account is linked to (none, for a
# user with no role).
EVERY_CELL = OFFICE_STAFF


def is_cell_secretary(user):
    """The one rule of who is a cell secretary: a user without the ward-wide view of cells.
    They see, and report for, their own cell only."""
    return not user.has_perm(EVERY_CELL)


def year_for(request, committee, number):
    """The year ``number`` of the committee keyed ``committee`` and what the request's user may
    do in it, made once a request and kept on it for the templates (``access``). 404 if the
    user may not read that committee; 403 for a change asked by a reader from a superior
    committee. The year itself is looked up when first needed: 404 if there is none."""
    access = getattr(request, "access", None)
    if access is None or (access.committee.slug, access.number) != (committee, number):
        access = Access(request.user, committee_readable(request.user, committee), number)
        request.access = access
    if access.reads_only and request.method not in SAFE_METHODS:
        raise PermissionDenied
    return access


def committee_readable(user, key):
    """The committee keyed ``key`` if ``user`` may read its pages, else 404: their own, one
    under it for its office staff, any for a superuser. A committee the user may not read is
    not found, as one that does not exist: an address tells nothing of another committee."""
    committee = Committee.objects.filter(slug=key).first()
    if committee is None or not reads(user, committee):
        raise Http404
    return committee


def access_to(user, year):
    """What ``user`` may do in ``year``, a year at hand: for the admin, which asks of a record's
    year what the pages ask of the request's."""
    return Access(user, year.committee, year.year, year)


def template_context(request):
    """``access`` in every template: the year's on a page of a year (year_for), else what the
    user may do on a page of none (the menu of the password page, a 403 refused before the
    year was asked for), in their own committee."""
    access = getattr(request, "access", None)
    if access is None:
        access = Access(request.user, committee_of(request.user))
    return {"access": access}


class Access:
    """What ``user`` may do in ``committee``'s year numbered ``number`` (None on a page of no
    year).

    Permissions come with the user's role (cells.roles) and hold in the committee the user
    works for; in a committee below it, a superior committee's staff only read. A change to a
    year's records also needs the year open, as a closed year's records are kept as they were
    filed."""

    def __init__(self, user, committee, number=None, year=None):
        self.user = user
        self.committee = committee
        self.number = number
        if year is not None:
            self.year = year  # at hand already: no query for it

    @cached_property
    def reads_only(self):
        """Whether the user reads this committee's pages from a superior committee, changing
        nothing."""
        if self.user.is_superuser or self.committee is None:
            return False
        return committee_id_of(self.user) != self.committee.pk

    @cached_property
    def year(self):
        """The year asked for, looked up when first needed: 404 if there is none."""
        if self.number is None:
            return None
        return get_object_or_404(self.years, year=self.number)

    @property
    def years(self):
        """The committee's years, which a page may switch between: none without a committee."""
        if self.committee is None:
            return Year.objects.none()
        return self.committee.years.all()

    def of_year(self, queryset, path="year"):
        """``queryset`` narrowed to the rows of the year asked for, ``path`` leading from a row
        to its year: for a page that finds its year joined to its own row (see found)."""
        return queryset.filter(
            **{f"{path}__committee": self.committee, f"{path}__year": self.number}
        )

    def found(self, year):
        """Take ``year``, fetched with a row of of_year, as the year asked for: the page costs
        no query of its own for it. Returns the year."""
        year.committee = self.committee
        self.year = year
        return year

    # Who the user is: the cells they see.

    @cached_property
    def is_cell_secretary(self):
        return is_cell_secretary(self.user)

    @property
    def sees_every_cell(self):
        return not self.is_cell_secretary

    @cached_property
    def own_cell(self):
        """The cell a cell secretary works on, or None: the ward's staff have none of their
        own, nor has a user with no role."""
        if not self.is_cell_secretary:
            return None
        link = getattr(self.user, "cell_secretary", None)  # cells.CellSecretary, if any
        return None if link is None else link.cell

    @property
    def sees_shares(self):
        """The ward's staff see each cell's share of a ward figure; a cell never sees
        another's."""
        return self.user.has_perm("cells.view_share")

    def reports_for_cell(self, perm):
        """Whether the user may report for a cell they see (see the cells' for_user): a cell
        secretary for their own, the only one they see; ward staff with ``perm``; a reader
        from a superior committee for none."""
        if self.reads_only:
            return False
        return self.is_cell_secretary or self.user.has_perm(perm)

    # The year's state.

    @property
    def is_open(self):
        """Whether the year takes changes: a closed year's records are kept as filed."""
        return self.year is not None and not self.year.is_closed

    def may(self, perm):
        """Whether the user may change the year's records ``perm`` guards: the permission, in
        an open year of their own committee. The admin asks this of each record's year."""
        return self.user.has_perm(perm) and self.is_open and not self.reads_only

    # What the user may do in the year: each a question a page asks.

    @property
    def keeps_figures(self):
        """The office that keeps the ward's figures: it opens the year's grid and reads the
        working comments, also of a closed year."""
        return self.user.has_perm("targets.change_figure")

    @property
    def can_enter(self):
        """Change the year's figures: on the grid, a target's page, an import, the review."""
        return self.may("targets.change_figure")

    @property
    def can_see_evidence(self):
        return self.user.has_perm("targets.view_evidence")

    @property
    def can_export(self):
        """The year-end report: printed, as Word, as Excel."""
        return self.user.has_perm("targets.export_report")

    @property
    def writes_report_text(self):
        """The office that writes the report's text: it opens the text's page, read-only once
        the year is closed."""
        return self.user.has_perm("targets.change_reporttext")

    @property
    def can_write_text(self):
        return self.may("targets.change_reporttext")

    @property
    def can_set_up_years(self):
        return self.user.has_perm("targets.add_year") and not self.reads_only

    @property
    def can_close(self):
        return self.may("targets.close_year")

    @property
    def can_reopen(self):
        return (
            self.user.has_perm("targets.close_year")
            and not self.reads_only
            and self.year is not None
            and self.year.is_closed
        )

    @property
    def can_rate(self):
        """Propose and decide the cells' ratings."""
        return self.may("cells.change_cellyear")

    @property
    def can_manage_tasks(self):
        """Assign the cells' tasks and change them."""
        return self.may("cells.change_task")

    @property
    def can_split(self):
        """Split a target's plan among the cells."""
        return self.may("cells.add_share")

    @property
    def can_report_progress(self):
        return self.is_open and self.reports_for_cell("cells.add_tasknote")

    @property
    def can_report_shares(self):
        return self.is_open and self.reports_for_cell("cells.change_share")

    @property
    def can_self_assess(self):
        return self.is_open and self.reports_for_cell("cells.add_ratingstep")

"""The door to a committee's roll-up: who may read it, of which year and stage.

A roll-up is read by the staff of the committee whose communes it counts, by the staff of the
committees above it, and by a superuser; a cell's secretary reads none, and a committee the
user may not read is not found, as on every page of a commune (targets.access)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from committees.models import OFFICE_STAFF, Committee
from targets.access import committee_readable
from targets.stages import Stage

from .counting import years_of


@dataclass
class Door:
    committee: Committee
    year: int
    years: list  # the years its communes keep, latest first
    stage: Stage


def stage_asked(request, default=Stage.FINAL):
    """The stage named by ?stage=, or ``default`` where none or an unknown one is named."""
    try:
        return Stage(request.GET.get("stage", ""))
    except ValueError:
        return default


def readable_committee(request, committee):
    """The committee keyed ``committee`` whose roll-up the user asks for: 403 for a user who
    reads no roll-up (a cell's secretary), before any committee is looked up; 404 if the user
    may not read that committee."""
    if not (request.user.is_superuser or request.user.has_perm(OFFICE_STAFF)):
        raise PermissionDenied
    return committee_readable(request.user, committee)


def rollup_for(request, committee, number):
    """The roll-up of the committee keyed ``committee`` in the year ``number``: 403 or 404 as
    readable_committee says, 404 too if its communes keep no such year."""
    committee = readable_committee(request, committee)
    years = years_of(committee)
    if number not in years:
        raise Http404
    return Door(committee, number, years, stage_asked(request))

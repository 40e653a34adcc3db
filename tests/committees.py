"""Committees beside the demo's, for tests of what keeps them apart.

The demo keeps Cầu Thia's records under the province of Lào Cai. ``build`` adds a second
commune under the same province, Minh Hòa, and gives the province records of its own: each in
Cầu Thia's shape (its years, its areas and targets under the same keys, figures with
illustrative plans, cells 1 and 3 with their years, a task of cell 3 and the cells' shares of a
split target each year, an import and an evidence file of 2024), so that every address of
Cầu Thia's is filled for the others with the same years, keys and numbers. Then each committee's
people, by role.
"""

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cells.models import Cell, CellSecretary, CellYear, Share, Task
from cells.roles import CELL_SECRETARIES, WARD_STAFF
from committees.models import Account, Committee
from targets.models import Area, Figure, Import, Target, Year
from targets.stages import STAGE_FIELDS, Stage

from .helpers import CAU_THIA
from .test_access import make_evidence

LAO_CAI = "lao-cai"
MINH_HOA = "xa-minh-hoa"
MINH_HOA_NAME = "Đảng bộ xã Minh Hòa (minh họa)"
# The committee above each commune: its office staff read the commune's pages.
SUPERIOR = {CAU_THIA: LAO_CAI, MINH_HOA: LAO_CAI}
# The committees' own words for their years' names, in place of Cầu Thia's.
PLACES = {CAU_THIA: "Cầu Thia", MINH_HOA: "Minh Hòa", LAO_CAI: "Lào Cai"}
EXECUTIVES = {
    CAU_THIA: "Đảng ủy phường Cầu Thia",
    MINH_HOA: "Đảng ủy xã Minh Hòa (minh họa)",
    LAO_CAI: "Tỉnh ủy Lào Cai (minh họa)",
}

YEARS = (2023, 2024)
YEAR = 2024  # open, with shares: the year whose pages are asked for
CELLS = (1, 3)
OWN_CELL = 3  # the cell whose secretary each committee's people include
TARGET = "bao-hiem-y-te"
SHARED = "trong-cay-phan-tan"  # 2024's plan of trees is split among the cells

# The roles of each committee's people: its office staff, the secretary of its cell OWN_CELL, a
# user with no role (none in the province's); and the superuser, who works for no committee.
STAFF, SECRETARY, NO_ROLE, SUPERUSER = "staff", "secretary", "no role", "superuser"
ROLES = {
    LAO_CAI: (STAFF, SECRETARY),
    CAU_THIA: (STAFF, SECRETARY, NO_ROLE),
    MINH_HOA: (STAFF, SECRETARY, NO_ROLE),
}


@dataclass(frozen=True)
class Person:
    """Who signs in: the committee they work for (None for the superuser), their role, the
    user."""

    committee: str | None
    role: str
    user: object

    def __str__(self):
        return f"{self.role} of {self.committee}" if self.committee else self.role


def build():
    """Minh Hòa and the province's records beside Cầu Thia's, an import and an evidence file
    in each, and everyone's people: {(committee key, role): Person}, the superuser's key
    (None, SUPERUSER)."""
    province = Committee.objects.get(slug=LAO_CAI)
    minh_hoa = Committee(slug=MINH_HOA, name=MINH_HOA_NAME, superior=province)
    minh_hoa.save()
    copy_records(minh_hoa)
    copy_records(province)
    people = {}
    for key, roles in ROLES.items():
        committee = Committee.objects.get(slug=key)
        for role in roles:
            people[key, role] = Person(key, role, person(committee, role))
    superuser = get_user_model().objects.create_superuser("quan-tri-isolation", password=None)
    people[None, SUPERUSER] = Person(None, SUPERUSER, superuser)
    for key in ROLES:
        year = Year.objects.get(committee__slug=key, year=YEAR)
        staff = people[key, STAFF].user
        written_import(year, staff)
        make_evidence(Figure.objects.get(year=year, target__slug=TARGET), staff)
    return people


def copy_records(committee):
    """Cầu Thia's years, areas, targets, figures (plans only), cells 1 and 3 with their years,
    a task of cell 3 and the cells' shares each year, made for ``committee`` in bulk."""
    source = Committee.objects.get(slug=CAU_THIA)
    years = Year.objects.bulk_create(
        copied(year, committee=committee, **names_of(committee))
        for year in source.years.filter(year__in=YEARS).order_by("year")
    )
    areas = {
        area.position: area
        for area in Area.objects.bulk_create(
            copied(area, committee=committee) for area in source.areas.order_by("position")
        )
    }
    targets = {
        target.slug: target
        for target in Target.objects.bulk_create(
            copied(target, committee=committee, area=areas[target.area.position])
            for target in source.targets.select_related("area").order_by("position")
        )
    }
    by_year = {year.year: year for year in years}
    empty = dict.fromkeys(STAGE_FIELDS)
    figures = {
        (figure.year.year, figure.target.slug): figure
        for figure in Figure.objects.bulk_create(
            copied(
                figure,
                year=by_year[figure.year.year],
                target=targets[figure.target.slug],
                illustrative=True,
                updated_by=None,
                **empty,
            )
            for figure in Figure.objects.filter(year__committee=source, year__year__in=YEARS)
            .select_related("year", "target")
            .order_by("year__year", "target__position")
        )
    }
    cells = {
        cell.number: cell
        for cell in Cell.objects.bulk_create(
            copied(cell, committee=committee) for cell in source.cells.filter(number__in=CELLS)
        )
    }
    of_cells = {"cell__committee": source, "cell__number__in": CELLS, "year__year__in": YEARS}
    CellYear.objects.bulk_create(
        copied(cell_year, cell=cells[cell_year.cell.number], year=by_year[cell_year.year.year])
        for cell_year in CellYear.objects.filter(**of_cells).select_related("cell", "year")
    )
    tasks = Task.objects.filter(**of_cells, cell__number=OWN_CELL).select_related("year", "target")
    firsts = [tasks.filter(year__year=number).order_by("pk").first() for number in YEARS]
    Task.objects.bulk_create(
        copied(
            task,
            cell=cells[OWN_CELL],
            year=by_year[task.year.year],
            target=targets[task.target.slug],
        )
        for task in firsts
    )
    Share.objects.bulk_create(
        copied(
            share,
            cell=cells[share.cell.number],
            figure=figures[share.year.year, share.figure.target.slug],
            year=by_year[share.year.year],
            updated_by=None,
        )
        for share in Share.objects.filter(**of_cells).select_related(
            "cell", "year", "figure__target"
        )
    )


def copied(row, **values):
    """An unsaved copy of ``row`` with ``values`` in place of its own."""
    fields = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    model = type(row)
    for name, value in values.items():
        field = model._meta.get_field(name)
        fields.pop(field.attname, None)
        fields[name] = value
    return model(**fields)


def names_of(committee):
    """The names a year of ``committee`` is carried out under."""
    return {
        "committee_name": committee.name,
        "executive_name": EXECUTIVES[committee.slug],
        "place_name": PLACES[committee.slug],
    }


def person(committee, role):
    """A user of ``role`` working for ``committee``: its office staff, the secretary of its
    cell OWN_CELL, or one with no role."""
    user = get_user_model().objects.create_user(f"{role.replace(' ', '-')}-{committee.slug}")
    Account.objects.create(user=user, committee=committee)
    if role == STAFF:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=WARD_STAFF))
    elif role == SECRETARY:
        user.groups.add(Group.objects.get(name=CELL_SECRETARIES))
        CellSecretary.objects.create(user=user, cell=committee.cells.get(number=OWN_CELL))
    return user


def written_import(year, uploader):
    """An import of ``year``'s workbook whose figures were written: on record for the whole
    office (a preview not written yet is only its uploader's)."""
    return Import.objects.create(
        year=year,
        stage=Stage.FINAL,
        file_name=f"bao-cao-{year.year}.xlsx",
        uploaded_by=uploader,
        confirmed_at=timezone.now(),
    )


def values_of(key):
    """What fills the addresses of the committee keyed ``key`` (tests.test_access.url_of): the
    same year, keys and numbers in every committee; its own task, import and evidence file."""
    year = Year.objects.get(committee__slug=key, year=YEAR)
    return {
        "committee": key,
        "year": YEAR,
        "cell": OWN_CELL,
        "target": TARGET,
        "shared_target": SHARED,
        "task": Task.objects.filter(year=year, cell__number=OWN_CELL).order_by("pk").first(),
        "import": Import.objects.filter(year=year).order_by("pk").first(),
        "evidence": Figure.objects.get(year=year, target__slug=TARGET).evidence.first(),
    }


# The tally of the isolation tests (tests/test_isolation.py), for the summary at the run's end.
PROPERTY = "isolation"


def summarize(terminalreporter):
    """Print what the isolation tests asked and were answered, from each test's report (in one
    process or several: the reports carry it to the controller)."""
    tallies = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == PROPERTY
    ]
    if not tallies:
        return
    terminalreporter.write_sep("-", "committees kept apart (tests/test_isolation.py)")
    terminalreporter.write_line(
        f"{len(tallies)} tests by {len({one['who'] for one in tallies})} people at "
        f"{len({one['committee'] for one in tallies} - {None})} committees' addresses and at "
        f"addresses of none, {len({key for one in tallies for key in one['patterns']})} URL "
        "patterns asked for:"
    )
    relations = sorted({one["relation"] or "no committee named" for one in tallies})
    for relation in relations:
        of_relation = [
            one for one in tallies if (one["relation"] or "no committee named") == relation
        ]
        statuses = Counter()
        for one in of_relation:
            statuses.update({int(status): n for status, n in one["statuses"].items()})
        terminalreporter.write_line(
            f"  {relation}: {sum(statuses.values())} requests, answered "
            + ", ".join(f"{status} × {n}" for status, n in sorted(statuses.items()))
        )

"""Grow the demo ward to about N times its size, for benchmarks and for trying large data.

It grows one committee (the demo's, cau-thia, unless --committee names another that has a year
and an area to start from): every row it reads or adds is that committee's.

Every generated row is illustrative and derived from a seeded random.Random keyed by what the
row is (a target's slug and a year, a cell's number and a year, a task's number), so the values
do not depend on the order or the number of runs: running the command twice changes nothing, and
growing from --scale 10 to --scale 100 adds only what is missing. Rows are written with
bulk_create (Figure.save would take minutes at --scale 100), so the command writes the first
FigureChange of each figure itself, and leaves closed years alone as the models would.
"""

import random
import re
from datetime import date, datetime
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cells.models import Cell, CellYear, Level, Task, TaskStatus
from committees.models import Committee
from targets.models import Figure, FigureChange, Target, Year
from targets.progress import Direction, Kind

# The demo ward's size (fixtures/demo.json and demo_cells.json), the unit --scale multiplies.
DEMO_YEARS, DEMO_TARGETS, DEMO_CELLS, DEMO_TASKS_PER_YEAR = 2, 40, 10, 30
FIRST_YEAR = 2000  # the earliest year the year_plausible constraint accepts
MAX_SCALE = 800  # target positions and cell numbers are small integers (below 32768)
DEMO = "cau-thia"  # the demo's committee, which load_demo creates
SEED = "cau-thia-generate-ward"
BATCH = 2000
CENT = Decimal("0.01")

FIGURE_NOTE = "Số liệu minh họa (tạo tự động)."
TASK_PREFIX = "Nhiệm vụ minh họa số "
TASK_NUMBER = re.compile(re.escape(TASK_PREFIX) + r"(\d+):")

# (kind, weight, units); directions are drawn separately, "lower" only where it is allowed.
KINDS = [
    (Kind.COUNT, 40, ["hộ", "người", "lao động", "cơ sở", "công trình", "lớp", "cuộc", "mô hình"]),
    (Kind.MONEY, 15, ["triệu đồng"]),
    (Kind.RATE, 30, ["%"]),
    (Kind.REDUCTION, 10, ["hộ", "vụ"]),
    (Kind.MILESTONE, 5, [""]),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Lò", "Lường"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Xuân", "Thu", "Quang", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Sơn", "Tâm"]
ACTIONS = [
    "tuyên truyền, vận động các hộ trong tổ thực hiện chỉ tiêu",
    "rà soát, lập danh sách và theo dõi tiến độ hằng quý",
    "phối hợp với các đoàn thể tổ chức ra quân",
    "kiểm tra, đôn đốc và báo cáo kết quả về Đảng ủy",
    "xây dựng mô hình điểm và nhân rộng",
]
RESPONSIBLE = [
    "Bí thư chi bộ",
    "Tổ trưởng tổ dân phố",
    "Chi hội trưởng Phụ nữ",
    "Chi đoàn thanh niên",
    "Trưởng ban Công tác Mặt trận tổ dân phố",
]


def rng_for(*key):
    """A Random seeded by what the row is: str seeds hash the same in every process."""
    return random.Random(":".join(str(part) for part in (SEED, *key)))


def cents(value):
    return Decimal(value).quantize(CENT)


def target_shape(number):
    """Kind, direction and unit of generated target ``number``."""
    rng = rng_for("target", number)
    kind, _weight, units = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
    lower_allowed = kind in (Kind.COUNT, Kind.MONEY, Kind.RATE)
    direction = Direction.LOWER if lower_allowed and rng.random() < 0.15 else Direction.HIGHER
    return kind, direction, rng.choice(units)


def figure_values(target, year, *within):
    """An illustrative plan (1–1000, rates at most 100) and an actual around it, or none.
    ``within``: what else keys the random beside the target and the year, such as the key of
    one of several committees that share the target's key."""
    rng = rng_for("figure", *within, target.slug, year.year)
    if target.kind == Kind.MILESTONE:
        return Decimal(1), rng.choice([Decimal(1), Decimal(1), Decimal(0), None])
    if target.kind == Kind.RATE:
        plan = cents(
            rng.uniform(1, 20) if target.direction == Direction.LOWER else rng.uniform(50, 100)
        )
    elif target.kind == Kind.MONEY:
        plan = cents(rng.randint(100, 100_000) / 100)
    elif target.kind == Kind.REDUCTION:
        plan = Decimal(rng.randint(1, 50))
    else:
        plan = Decimal(rng.randint(1, 1000))
    if rng.random() < 0.15:
        return plan, None
    actual = plan * Decimal(str(round(rng.uniform(0.8, 1.2), 3)))
    actual = (
        actual.to_integral_value() if target.kind in (Kind.COUNT, Kind.REDUCTION) else cents(actual)
    )
    if target.kind == Kind.RATE:
        actual = min(actual, Decimal(100))
    return plan, actual


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def entered_at(year, now):
    """When an illustrative figure of ``year`` (a number) was entered: at the end of the year
    it belongs to, or ``now`` for a year not yet over."""
    return min(now, timezone.make_aware(datetime(year, 12, 31, 17)))


def create_figures(figures, unrecorded):
    """Write ``figures`` (new Figures) in bulk, each with its first FigureChange, as Figure.save
    would have written them (version 1, the change at updated_at). ``unrecorded``: the
    figures with no change yet, where they are found again on a database that returns no ids."""
    Figure.objects.bulk_create(figures, batch_size=BATCH)
    if any(figure.pk is None for figure in figures):
        figures = list(unrecorded)
    FigureChange.objects.bulk_create(
        (FigureChange.of(figure, None, None) for figure in figures), batch_size=BATCH
    )


def rated_cell_year(cell, year, secretary, rng):
    """An illustrative year of ``cell`` (unsaved): 15–30 members under ``secretary``, rated
    at levels drawn from ``rng`` within them."""
    members = rng.randint(15, 30)
    rated = members - rng.randint(0, 2)
    excellent = rng.randint(0, rated // 6)
    not_completed = rng.randint(0, 2)
    good = rng.randint(
        (rated - excellent - not_completed) * 2 // 3, rated - excellent - not_completed
    )
    return CellYear(
        cell=cell,
        year=year,
        secretary_name=secretary,
        members=members,
        rating=rng.choices(list(Level), weights=[2, 10, 3, 1])[0],
        members_excellent=excellent,
        members_good=good,
        members_completed=rated - excellent - good - not_completed,
        members_not_completed=not_completed,
        illustrative=True,
        illustrative_facts=True,
    )


class Command(BaseCommand):
    help = (
        "Grow the demo ward to about N times its size: 2N years (back to 2000 at most), 40N "
        "targets, 10N cells, a figure with its first history row for every target and year, a "
        "rating for every cell and year, and 30N tasks in each of the latest two years; closed "
        "years are left as they are. Every added row is illustrative; running it twice changes "
        "nothing. Grows the demo's committee (loaded first if it is not there) unless "
        "--committee names another."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, required=True, help="N: the size as a multiple of the demo's."
        )
        parser.add_argument(
            "--committee",
            default=DEMO,
            help=f"The key of the committee to grow (default {DEMO}, the demo's).",
        )

    def handle(self, *args, scale, committee, **options):
        if not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale must be between 1 and {MAX_SCALE}.")
        if committee == DEMO and not Target.objects.filter(committee__slug=DEMO).exists():
            call_command("load_demo", stdout=self.stdout, verbosity=options["verbosity"])
        self.committee = Committee.objects.filter(slug=committee).first()
        if self.committee is None:
            raise CommandError(f"No committee has the key {committee!r}.")
        if not (self.committee.years.exists() and self.committee.areas.exists()):
            raise CommandError(
                f"{self.committee} has no year or no area to grow from: set up its first year "
                "and its targets first."
            )
        with transaction.atomic():
            created = {
                "years": self.add_years(scale),
                "targets": self.add_targets(scale),
                "cells": self.add_cells(scale),
            }
            created["figures"] = self.add_figures()
            created["cell years"] = self.add_cell_years()
            created["tasks"] = self.add_tasks(scale)
        if options["verbosity"]:
            self.report(scale, created)

    def report(self, scale, created):
        added = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(f"generate_ward --scale {scale}: created {added}.")
        committee = self.committee
        totals = {
            "years": committee.years.count(),
            "targets": committee.targets.count(),
            "cells": committee.cells.count(),
            "figures": Figure.objects.filter(year__committee=committee).count(),
            "figure changes": FigureChange.objects.filter(
                figure__year__committee=committee
            ).count(),
            "cell years": CellYear.objects.filter(year__committee=committee).count(),
            "tasks": Task.objects.filter(year__committee=committee).count(),
        }
        self.stdout.write(
            f"{committee} now has "
            + ", ".join(f"{count} {name}" for name, count in totals.items())
            + "."
        )
        closed = list(committee.years.filter(is_closed=True).values_list("year", flat=True))
        if closed:
            self.stdout.write(f"Closed years left as they are: {', '.join(map(str, closed))}.")
        if totals["years"] < DEMO_YEARS * scale:
            self.stdout.write(
                f"Years stop at {FIRST_YEAR} (the year_plausible constraint): "
                f"{totals['years']} instead of {DEMO_YEARS * scale}."
            )

    def add_years(self, scale):
        """Earlier years, under the earliest year's names, down to 2N years in all."""
        years = list(self.committee.years.order_by("year"))
        model = years[0]
        missing = DEMO_YEARS * scale - len(years)
        new = [
            Year(
                committee=self.committee,
                year=number,
                committee_name=model.committee_name,
                superior_party_body=model.superior_party_body,
                recipients=model.recipients,
                place_name=model.place_name,
                secretary_name=model.secretary_name,
            )
            for number in range(model.year - 1, FIRST_YEAR - 1, -1)[: max(missing, 0)]
        ]
        Year.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    def add_targets(self, scale):
        """Targets generated-<n> for n above the demo's 40, round-robin over the areas."""
        targets = self.committee.targets
        areas = list(self.committee.areas.order_by("position"))
        slugs = set(targets.values_list("slug", flat=True))
        taken = set(targets.values_list("position", flat=True))
        next_free = max(taken, default=0) + 1
        new = []
        for number in range(DEMO_TARGETS + 1, DEMO_TARGETS * scale + 1):
            slug = f"generated-{number}"
            if slug in slugs:
                continue
            position = number
            if position in taken:  # someone else's target holds it: the first free one above
                while next_free in taken:
                    next_free += 1
                position = next_free
            taken.add(position)
            kind, direction, unit = target_shape(number)
            new.append(
                Target(
                    committee=self.committee,
                    area=areas[number % len(areas)],
                    position=position,
                    slug=slug,
                    name=f"Chỉ tiêu minh họa số {number}",
                    unit=unit,
                    kind=kind,
                    direction=direction,
                )
            )
        Target.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    def add_cells(self, scale):
        numbers = set(self.committee.cells.values_list("number", flat=True))
        new = [
            Cell(committee=self.committee, number=number, name=f"Chi bộ minh họa số {number}")
            for number in range(DEMO_CELLS + 1, DEMO_CELLS * scale + 1)
            if number not in numbers
        ]
        Cell.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    def add_figures(self):
        """A figure for every target and year that has none, each with its first history row."""
        targets = list(self.committee.targets.all())
        years = list(self.committee.years.open())  # a closed year's figures are frozen
        figures = Figure.objects.filter(year__committee=self.committee)
        existing = set(figures.values_list("target_id", "year_id"))
        now = timezone.now()
        new = []
        for year in years:
            updated_at = entered_at(year.year, now)
            for target in targets:
                if (target.pk, year.pk) in existing:
                    continue
                plan, actual = figure_values(target, year)
                new.append(
                    Figure(
                        target=target,
                        year=year,
                        plan=plan,
                        actual=actual,
                        note=FIGURE_NOTE,
                        illustrative=True,
                        updated_at=updated_at,
                        version=1,
                    )
                )
        create_figures(new, figures.filter(changes__isnull=True, note=FIGURE_NOTE))
        return len(new)

    def add_cell_years(self):
        """A rating for every cell and year that has none: 15–30 members, counts within them."""
        cells = list(self.committee.cells.all())
        years = list(self.committee.years.open())
        existing = set(
            CellYear.objects.filter(year__committee=self.committee).values_list(
                "cell_id", "year_id"
            )
        )
        new = []
        for cell in cells:
            secretary = person(rng_for("secretary", cell.number))
            for year in years:
                if (cell.pk, year.pk) not in existing:
                    rng = rng_for("cell-year", cell.number, year.year)
                    new.append(rated_cell_year(cell, year, secretary, rng))
        CellYear.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    def add_tasks(self, scale):
        """30N tasks in each of the latest two years, counting those already there that this
        command did not make; generated ones are numbered in their description. None for a
        committee with no cell or no target to give them to."""
        committee = self.committee
        cells = list(committee.cells.order_by("number"))
        targets = list(committee.targets.order_by("position"))
        if not (cells and targets):
            return 0
        years = [year for year in committee.years.order_by("-year")[:2] if not year.is_closed]
        latest = committee.years.order_by("-year").first().year
        new = []
        for year in years:
            descriptions = Task.objects.filter(year=year).values_list("description", flat=True)
            generated, others = set(), 0
            for description in descriptions:
                match = TASK_NUMBER.match(description)
                if match:
                    generated.add(int(match[1]))
                else:
                    others += 1
            wanted = DEMO_TASKS_PER_YEAR * scale - others
            if year.year == latest:
                statuses, weights = list(TaskStatus), [4, 4, 2, 0]
            else:
                statuses, weights = list(TaskStatus), [0, 2, 7, 1]
            for number in range(1, wanted + 1):
                if number in generated:
                    continue
                rng = rng_for("task", year.year, number)
                new.append(
                    Task(
                        cell=rng.choice(cells),
                        target=rng.choice(targets),
                        year=year,
                        description=f"{TASK_PREFIX}{number}: {rng.choice(ACTIONS)}.",
                        responsible=rng.choice(RESPONSIBLE),
                        due_date=date(year.year, rng.randint(3, 12), rng.choice([15, 28])),
                        status=rng.choices(statuses, weights=weights)[0],
                        note="Nhiệm vụ minh họa.",
                    )
                )
        Task.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

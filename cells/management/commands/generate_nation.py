"""An illustrative country of communes: for trying and measuring a roll-up at the size of the
nation (about 3.300 communes in 34 provinces since 2025).

One national committee (toan-quoc-minh-hoa), M provinces under it (tinh-minh-hoa-<m>) and N
communes shared out among them (xa-minh-hoa-<m>-<n>, commune n of province m), every name
marked "(minh họa)". Each province takes the template committee's targets as a started
committee does (cells.starting) and keeps no year; the communes of a province are made by
generate_communes' steps with the province as their template: their years (by default the ten
ending with the template's latest), cells and cell years, office accounts (the provinces' and
the nation's too), and a figure for every target and year with its first history row.

What a real country's figures have, some communes have too: about one commune in three is
late with the latest year (it has reported no stage, or the stages up to six months, nine
months or the estimate, never the full year); one in four retired one of its targets some
year (no figure of it from that year on); and about one figure in fifty has no plan. The
other communes report every target at every stage.

Every value derives from a seeded random keyed by what the row is, as in generate_communes:
running the command twice adds nothing, and a larger --communes adds only what is missing.
Each province is written in a transaction of its own. On PostgreSQL the figures are written by
COPY and their history rows by one INSERT … SELECT per province (bulk_create takes about four
times as long at this size); elsewhere by bulk_create.
"""

import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cells.starting import FIRST_YEAR, LAST_YEAR, plan_of
from committees.models import Committee
from targets.models import FIGURE_AMOUNTS, Figure, FigureChange, Target, Year
from targets.models.base import FIGURE_TEXTS
from targets.progress import Kind
from targets.stages import Stage

from . import generate_communes
from .generate_ward import BATCH, FIGURE_NOTE, cents, entered_at, figure_values

NATION_KEY = "toan-quoc-minh-hoa"
NATION_NAME = "Đảng bộ toàn quốc Minh Họa"
PROVINCE_KEY = "tinh-minh-hoa-{}"
PROVINCE_NAME = "Đảng bộ tỉnh Minh Họa {}"
COMMUNE_PREFIX = f"{generate_communes.PREFIX}-{{}}"
MAX_PROVINCES = 100
# Which communes of a province (by their number n) are late with the latest year, and which
# retired a target; the share of figures left without a plan.
LATE_EVERY, RETIRED_EVERY, RETIRED_AT = 3, 4, 2
UNPLANNED = 0.02
NEVER = LAST_YEAR + 1  # the year a target that is kept is retired from


def shares(total, parts):
    """[communes of province 1, …]: ``total`` shared out as evenly as it goes, the first
    provinces one more."""
    return [total // parts + (m < total % parts) for m in range(parts)]


def reached(target, plan, rng):
    """An actual near ``plan``, for a figure figure_values left without one: a commune that
    reports a stage reports every target at it."""
    if target.kind == Kind.MILESTONE:
        return rng.choice([Decimal(0), plan])
    actual = plan * Decimal(str(round(rng.uniform(0.8, 1.2), 3)))
    whole = target.kind in (Kind.COUNT, Kind.REDUCTION)
    actual = actual.to_integral_value() if whole else cents(actual)
    return min(actual, Decimal(100)) if target.kind == Kind.RATE else actual


def write_rows(model, rows):
    """Insert ``rows`` (dicts of the same fields, by attname; the model's other fields take
    their defaults): by COPY on PostgreSQL, else with bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row) for row in rows), batch_size=BATCH)
        return
    given = list(rows[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.attname not in given
    }
    columns = [model._meta.get_field(name).column for name in given] + list(defaults)
    fixed = tuple(defaults.values())
    statement = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row((*row.values(), *fixed))


def record_first_changes(figures):
    """The first history row of each of ``figures`` (a queryset) that has none, as Figure.save
    writes it when it creates a figure (FigureChange.of): one INSERT … SELECT."""
    column = {field.name: field.column for field in Figure._meta.concrete_fields}
    made = {"figure": "id", "changed_at": column["updated_at"], "version": "version"}
    made |= {f"new_{name}": column[name] for name in (*FIGURE_AMOUNTS, *FIGURE_TEXTS)}
    empty = [f"old_{name}" for name in FIGURE_TEXTS] + ["confirmed_warnings"]
    change = FigureChange._meta
    into = [change.get_field(name).column for name in (*made, *empty)]
    values = list(made.values()) + ["%s"] * len(empty)
    unrecorded, params = figures.filter(changes__isnull=True).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {change.db_table} ({', '.join(into)}) "
            f"SELECT {', '.join(values)} FROM {Figure._meta.db_table} WHERE id IN ({unrecorded})",
            ["" for _ in empty] + list(params),
        )
        return cursor.rowcount


class Communes(generate_communes.Command):
    """generate_communes' steps for the communes under ``superior``, whose targets (``plan``)
    they take, with the figures a country's communes have over ``years`` (year numbers)."""

    def __init__(self, superior, plan, seed, prefix, years):
        super().__init__()
        self.superior = self.template = superior
        self.plan, self.seed, self.prefix, self.years = plan, seed, prefix, years

    def add_figures(self, communes):
        """A figure for each target and open year of each commune that has none, but for a
        target it retired; each with its first history row."""
        targets = {}
        for target in Target.objects.filter(committee__in=communes).order_by("position"):
            targets.setdefault(target.committee_id, []).append(target)
        years = {}
        for year in Year.objects.filter(committee__in=communes).open().order_by("year"):
            years.setdefault(year.committee_id, []).append(year)
        figures = Figure.objects.filter(year__committee__in=communes)
        existing = set(figures.values_list("target_id", "year_id"))
        now = timezone.now()
        rows = []
        for commune in communes:
            number = int(commune.slug.rsplit("-", 1)[1])
            retired = self.retired(commune, number, targets.get(commune.pk, []))
            for year in years.get(commune.pk, []):
                stages = self.stages_reported(commune, number, year)
                updated_at = entered_at(year.year, now)
                for target in targets.get(commune.pk, []):
                    gone = year.year >= retired.get(target.pk, NEVER)
                    if gone or (target.pk, year.pk) in existing:
                        continue
                    rows.append(
                        {
                            "target_id": target.pk,
                            "year_id": year.pk,
                            **self.amounts(commune, target, year, stages),
                            "note": FIGURE_NOTE,
                            "illustrative": True,
                            "updated_at": updated_at,
                            "version": 1,
                        }
                    )
        write_rows(Figure, rows)
        record_first_changes(figures.filter(note=FIGURE_NOTE))
        return len(rows)

    def retired(self, commune, number, targets):
        """{target's pk: the year from which the commune has no figure of it}, for one commune
        in RETIRED_EVERY: one of its targets, from a year after its first."""
        if number % RETIRED_EVERY != RETIRED_AT or not targets or len(self.years) < 2:
            return {}
        rng = self.rng("retired", commune.slug)
        return {rng.choice(targets).pk: rng.choice(self.years[1:])}

    def stages_reported(self, commune, number, year):
        """How many of the year's stages the commune has reported: all of them, but in the
        latest year for one commune in LATE_EVERY: from none up to the estimate."""
        if year.year < self.years[-1] or number % LATE_EVERY:
            return len(Stage)
        return self.rng("late", commune.slug).randrange(len(Stage))

    def amounts(self, commune, target, year, stages):
        """The plan and the actual at each stage of a figure, the stages after the first
        ``stages`` left empty."""
        within = (self.seed, commune.slug)
        plan, actual = figure_values(target, year, *within)
        rng = self.rng("stages", *within, target.slug, year.year)
        if actual is None:
            actual = reached(target, plan, rng)
        values = generate_communes.stage_actuals(target, actual, rng)
        for stage in list(Stage)[stages:]:
            values[stage.field] = None
        return {"plan": None if rng.random() < UNPLANNED else plan, **values}


class Command(BaseCommand):
    help = (
        "Add an illustrative country: a national committee, M provinces under it (each with "
        "the template's targets and no year) and N communes shared out among them, each with "
        "its years (the ten ending with the template's latest), figures at every stage with "
        "their history (some communes late with the latest year, some with a retired target, "
        "some figures without a plan), cells rated each year and an office account; every "
        "name marked (minh họa). Running it twice adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, required=True, help="N: how many communes.")
        parser.add_argument(
            "--provinces", type=int, default=34, help="M: how many provinces (default 34)."
        )
        parser.add_argument(
            "--template", required=True, help="The key of the committee whose targets they take."
        )
        parser.add_argument(
            "--years", type=int, default=10, help="How many years each commune keeps (10)."
        )
        parser.add_argument("--cells", type=int, default=3, help="Cells in each commune (3).")
        parser.add_argument(
            "--seed", default="", help="Draws other values: the same seed gives the same ones."
        )
        parser.add_argument(
            "--password", help="The office accounts' password (default: none, to be set)."
        )

    def handle(self, *args, communes, provinces, template, years, cells, seed, password, **opts):
        if not 1 <= provinces <= MAX_PROVINCES:
            raise CommandError(f"--provinces must be between 1 and {MAX_PROVINCES}.")
        most = provinces * generate_communes.MAX_COUNT
        if not provinces <= communes <= most:
            raise CommandError(f"--communes must be between {provinces} and {most}.")
        if not 0 <= cells <= generate_communes.MAX_CELLS:
            raise CommandError(f"--cells must be between 0 and {generate_communes.MAX_CELLS}.")
        template = Committee.objects.filter(slug=template).first()
        plan = plan_of(template) if template else []
        if not plan or not template.years.exists():
            raise CommandError("--template: name a committee that has targets and a year.")
        latest = template.years.order_by("-year").first().year
        numbers = list(range(max(latest - years + 1, FIRST_YEAR), latest + 1))
        if not numbers:
            raise CommandError("--years: give at least one.")
        self.parts = {}  # {what: [rows created, seconds]}
        started = time.perf_counter()
        nation, country = self.timed(
            "committees", lambda: self.add_country(provinces), created=lambda made: made[2]
        )[:2]
        above = Communes(nation, plan, seed, "", numbers)
        with transaction.atomic():
            self.timed("provinces' targets", lambda: above.add_targets(country))
        for m, count in enumerate(shares(communes, provinces), start=1):
            self.add_province(m, country[m - 1], count, seed, numbers, cells, password)
            if opts["verbosity"] > 1:
                self.stdout.write(f"{country[m - 1]}: {count} communes ({self.since(started)}).")
        with transaction.atomic():
            self.timed("office accounts", lambda: above.add_accounts([nation, *country], password))
        if opts["verbosity"]:
            self.report(nation, provinces, communes, numbers, started)

    def add_country(self, provinces):
        """(the nation, its provinces 1 … ``provinces``, how many of them were created)."""
        with transaction.atomic():
            nation, created = self.put(NATION_KEY, NATION_NAME, None)
            country = []
            for m in range(1, provinces + 1):
                province, new = self.put(PROVINCE_KEY.format(m), PROVINCE_NAME.format(m), nation)
                country.append(province)
                created += new
        return nation, country, created

    def add_province(self, m, province, count, seed, years, cells, password):
        """Province ``m``'s ``count`` communes and all they hold, in one transaction."""
        communes = Communes(province, plan_of(province), seed, COMMUNE_PREFIX.format(m), years)
        with transaction.atomic():
            made = self.timed(
                "communes", lambda: communes.add_communes(count), created=lambda made: made[1]
            )[0]
            self.timed("years", lambda: communes.add_years(made, years))
            self.timed("targets", lambda: communes.add_targets(made))
            self.timed(
                "figures, each with its first history row", lambda: communes.add_figures(made)
            )
            self.timed("cells", lambda: communes.add_cells(made, cells))
            self.timed("cell years", lambda: communes.add_cell_years(made))
            self.timed("office accounts", lambda: communes.add_accounts(made, password))

    def put(self, key, name, superior):
        """(the committee keyed ``key``, 1 if it was created else 0)."""
        committee = Committee.objects.filter(slug=key).first()
        if committee is None:
            committee = Committee(
                slug=key, name=generate_communes.LISTED_AS.format(name), superior=superior
            )
            committee.save()
            return committee, 1
        if committee.superior_id != (superior.pk if superior else None):
            raise CommandError(f"{key} is under another committee: nothing was created.")
        return committee, 0

    def timed(self, name, step, created=lambda made: made):
        """What ``step`` returns; its time and the rows it created (``created`` of what it
        returns) are added to the part ``name``."""
        started = time.perf_counter()
        made = step()
        tally = self.parts.setdefault(name, [0, 0.0])
        tally[0] += created(made)
        tally[1] += time.perf_counter() - started
        return made

    @staticmethod
    def since(started):
        return f"{time.perf_counter() - started:.1f} s"

    def report(self, nation, provinces, communes, years, started):
        self.stdout.write(
            f"generate_nation: {nation} ({NATION_KEY}), {provinces} provinces, {communes} "
            f"communes, years {years[0]}–{years[-1]}:"
        )
        for name, (created, seconds) in self.parts.items():
            self.stdout.write(f"  {name}: {created} created in {seconds:.1f} s")
        self.stdout.write(f"  in all: {self.since(started)}")

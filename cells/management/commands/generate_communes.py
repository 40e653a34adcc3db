"""Illustrative communes under a committee: for trying a province's view of many communes, and
for benchmarks.

Commune n is keyed xa-minh-hoa-n and named "Đảng bộ xã Minh Họa n (minh họa)"; under --prefix p
it is keyed p-n, and its name numbers it by what the key adds to xa-minh-hoa- ("Minh Họa 3-5"
for xa-minh-hoa-3-5), so that names are unique as keys are. Each takes the targets of a
template committee as a started committee does (cells.starting), and gets its years with an
illustrative plan and actual at every stage for each target, its cells (their names marked
illustrative) with an illustrative rating each year, and an office account <key>-vp. Every
value derives from a seeded random keyed by what the row is (the commune, the target or cell,
the year: generate_ward's helpers), so running the command twice adds nothing, and a larger
--count adds only the communes that are missing. Rows are written with bulk_create, the first
history row of each figure with it, as generate_ward writes them.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cells.models import Cell, CellYear
from cells.roles import WARD_STAFF
from cells.starting import FIRST_YEAR, LAST_YEAR, copy_plan, plan_of, year_names
from committees.models import Account, Committee, key_shape
from targets.models import Area, Figure, Target, Year
from targets.progress import Kind
from targets.stages import Stage

from .generate_ward import (
    BATCH,
    FIGURE_NOTE,
    cents,
    create_figures,
    entered_at,
    figure_values,
    person,
    rated_cell_year,
    rng_for,
)

PREFIX = "xa-minh-hoa"
PARTY_NAME = "Đảng bộ xã Minh Họa {}"
LISTED_AS = "{} (minh họa)"  # the name the installation lists it by says it is illustrative
CELL_NAME = "Chi bộ thôn Minh Họa {}"
OFFICE = "{}-vp"
MAX_COUNT, MAX_CELLS = 1000, 200
# The share of the year's figure reached inside the year runs about with the months: a count,
# an amount, a number reduced add up; a rate is a level, near the year's from the start.
ADDED_UP = (Kind.COUNT, Kind.MONEY, Kind.REDUCTION)


def checked_prefix(prefix):
    """``prefix`` if a commune's key may begin with it, else CommandError."""
    longest = f"{prefix}-{MAX_COUNT}"
    try:
        key_shape(longest)
    except ValidationError as error:
        raise CommandError(f"--prefix: {' '.join(error.messages)}") from error
    if len(longest) > Committee._meta.get_field("slug").max_length:
        raise CommandError(f"--prefix: {prefix!r} is too long for a committee's key.")
    return prefix


def number_of(key):
    """What a commune's name numbers it by: what its key adds to xa-minh-hoa- ("5", "3-5")."""
    return key.removeprefix(f"{PREFIX}-")


def stage_actuals(target, actual, rng):
    """{column: amount} for each stage of a figure whose full year's actual is ``actual``
    (None: no stage has one): the levels reached inside the year, an estimate near the full
    year's figure, and the full year's figure."""
    *before, last = Stage
    values = {last.field: actual}
    for stage in before:
        if actual is None:
            value = None
        elif target.kind == Kind.MILESTONE:
            value = actual if not stage.within_year else rng.choice([Decimal(0), actual])
        elif target.kind in ADDED_UP:
            share = stage.months / 12 * (rng.uniform(0.85, 1.1) if stage.within_year else 1)
            value = actual * Decimal(str(round(min(share, 1) * rng.uniform(0.95, 1.05), 3)))
        else:
            value = min(actual * Decimal(str(round(rng.uniform(0.9, 1.03), 3))), Decimal(100))
        if value is not None:
            whole = target.kind in (Kind.COUNT, Kind.REDUCTION, Kind.MILESTONE)
            value = value.to_integral_value() if whole else cents(value)
        values[stage.field] = value
    return values


class Command(BaseCommand):
    help = (
        "Add N illustrative communes under a committee (xa-minh-hoa-1 …): each with the "
        "template committee's targets, its years with illustrative plans and actuals at every "
        "stage, K cells rated each year, and an office account <key>-vp with no password "
        "unless --password is given. Running it twice adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="N: how many communes.")
        parser.add_argument("--superior", required=True, help="The key of their superior.")
        parser.add_argument(
            "--template", required=True, help="The key of the committee whose targets they take."
        )
        parser.add_argument(
            "--seed", default="", help="Draws other values: the same seed gives the same ones."
        )
        parser.add_argument(
            "--prefix",
            default=PREFIX,
            help=f"Their keys are <prefix>-1 … (default {PREFIX}): keys are unique across "
            "the installation.",
        )
        parser.add_argument("--cells", type=int, default=5, help="K: cells in each commune.")
        parser.add_argument(
            "--years",
            type=int,
            nargs="+",
            help="Their years (default: the template's years).",
        )
        parser.add_argument(
            "--password", help="The office accounts' password (default: none, to be set)."
        )

    def handle(
        self, *args, count, superior, template, seed, prefix, cells, years, password, **options
    ):
        if not 1 <= count <= MAX_COUNT:
            raise CommandError(f"--count must be between 1 and {MAX_COUNT}.")
        if not 0 <= cells <= MAX_CELLS:
            raise CommandError(f"--cells must be between 0 and {MAX_CELLS}.")
        self.superior = self.committee(superior, "--superior")
        self.template = self.committee(template, "--template")
        self.plan = plan_of(self.template)
        if not self.plan:
            raise CommandError(f"--template: {self.template} has no targets to take.")
        years = sorted(set(years or self.template.years.values_list("year", flat=True)))
        if not years or not all(FIRST_YEAR <= year <= LAST_YEAR for year in years):
            raise CommandError(f"--years: give years between {FIRST_YEAR} and {LAST_YEAR}.")
        self.seed = seed
        self.prefix = checked_prefix(prefix)
        with transaction.atomic():
            communes, new_communes = self.add_communes(count)
            created = {
                "communes": new_communes,
                "years": self.add_years(communes, years),
                "targets": self.add_targets(communes),
                "figures": self.add_figures(communes),
                "cells": self.add_cells(communes, cells),
                "cell years": self.add_cell_years(communes),
                "office accounts": self.add_accounts(communes, password),
            }
        if options["verbosity"]:
            added = ", ".join(f"{number} {name}" for name, number in created.items())
            self.stdout.write(f"generate_communes under {self.superior}: created {added}.")
            if created["office accounts"] and not password:
                self.stdout.write(
                    f"The office accounts ({OFFICE.format(communes[0].slug)} …) have no "
                    "password: give one with --password, or set one with changepassword."
                )

    def committee(self, key, option):
        committee = Committee.objects.filter(slug=key).first()
        if committee is None:
            raise CommandError(f"{option}: no committee has the key {key!r}.")
        return committee

    def rng(self, *key):
        return rng_for("commune", self.seed, *key)

    def add_communes(self, count):
        """The communes 1 … ``count``, in order (those there already, the rest created), and
        how many were created."""
        keys = [f"{self.prefix}-{n}" for n in range(1, count + 1)]
        found = {c.slug: c for c in Committee.objects.filter(slug__in=keys)}
        elsewhere = [c.slug for c in found.values() if c.superior_id != self.superior.pk]
        if elsewhere:
            raise CommandError(
                f"{', '.join(elsewhere)} are under another committee than {self.superior}: "
                "nothing was created."
            )
        communes = []
        for key in keys:
            commune = found.get(key)
            if commune is None:
                commune = Committee(
                    slug=key,
                    name=LISTED_AS.format(PARTY_NAME.format(number_of(key))),
                    superior=self.superior,
                )
                commune.save()
            communes.append(commune)
        return communes, len(keys) - len(found)

    def add_years(self, communes, years):
        existing = set(
            Year.objects.filter(committee__in=communes).values_list("committee_id", "year")
        )
        new = [
            Year(
                committee=commune,
                year=year,
                secretary_name=person(self.rng("secretary", commune.slug)),
                **year_names(PARTY_NAME.format(number_of(commune.slug)), self.superior, {}),
            )
            for commune in communes
            for year in years
            if (commune.pk, year) not in existing
        ]
        Year.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    def add_targets(self, communes):
        """The template's areas and targets (cells.starting.copy_plan) each commune lacks; a
        target whose number another of the commune's holds takes a number after every other."""
        areas = {
            (area.committee_id, area.position): area
            for area in Area.objects.filter(committee__in=communes)
        }
        slugs, positions = set(), {commune.pk: set() for commune in communes}
        for committee, slug, position in Target.objects.filter(committee__in=communes).values_list(
            "committee_id", "slug", "position"
        ):
            slugs.add((committee, slug))
            positions[committee].add(position)
        new_areas, new_targets = [], []
        for commune in communes:
            copied_areas, copied_targets = copy_plan(self.plan, commune)
            for area in copied_areas:
                if (commune.pk, area.position) not in areas:
                    areas[commune.pk, area.position] = area
                    new_areas.append(area)
            for target in copied_targets:
                if (commune.pk, target.slug) in slugs:
                    continue
                target.area = areas[commune.pk, target.area.position]
                used = positions[commune.pk]
                if target.position in used:
                    target.position = max(used | {t.position for t in copied_targets}) + 1
                used.add(target.position)
                new_targets.append(target)
        Area.objects.bulk_create(new_areas, batch_size=BATCH)
        Target.objects.bulk_create(new_targets, batch_size=BATCH)
        return len(new_targets)

    def add_figures(self, communes):
        """A figure for each target and open year of each commune that has none."""
        slugs = {commune.pk: commune.slug for commune in communes}
        targets = {}
        for target in Target.objects.filter(committee__in=communes):
            targets.setdefault(target.committee_id, []).append(target)
        figures = Figure.objects.filter(year__committee__in=communes)
        existing = set(figures.values_list("target_id", "year_id"))
        now = timezone.now()
        new = []
        for year in Year.objects.filter(committee__in=communes).open():
            updated_at = entered_at(year.year, now)
            for target in targets.get(year.committee_id, []):
                if (target.pk, year.pk) in existing:
                    continue
                within = (self.seed, slugs[year.committee_id])
                plan, actual = figure_values(target, year, *within)
                rng = self.rng("stages", *within, target.slug, year.year)
                new.append(
                    Figure(
                        target=target,
                        year=year,
                        plan=plan,
                        **stage_actuals(target, actual, rng),
                        note=FIGURE_NOTE,
                        illustrative=True,
                        updated_at=updated_at,
                        version=1,
                    )
                )
        create_figures(new, figures.filter(changes__isnull=True, note=FIGURE_NOTE))
        return len(new)

    def add_cells(self, communes, count):
        existing = set(
            Cell.objects.filter(committee__in=communes).values_list("committee_id", "number")
        )
        new = [
            Cell(committee=commune, number=number, name=CELL_NAME.format(number), illustrative=True)
            for commune in communes
            for number in range(1, count + 1)
            if (commune.pk, number) not in existing
        ]
        Cell.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    def add_cell_years(self, communes):
        """An illustrative rating of each cell in each open year of its commune that has none."""
        slugs = {commune.pk: commune.slug for commune in communes}
        years = {}
        for year in Year.objects.filter(committee__in=communes).open():
            years.setdefault(year.committee_id, []).append(year)
        existing = set(
            CellYear.objects.filter(year__committee__in=communes).values_list("cell_id", "year_id")
        )
        new = []
        for cell in Cell.objects.filter(committee__in=communes):
            slug = slugs[cell.committee_id]
            secretary = person(self.rng("cell-secretary", slug, cell.number))
            for year in years.get(cell.committee_id, []):
                if (cell.pk, year.pk) not in existing:
                    rng = self.rng("cell-year", slug, cell.number, year.year)
                    new.append(rated_cell_year(cell, year, secretary, rng))
        CellYear.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    def add_accounts(self, communes, password):
        """The office account <key>-vp of each commune that has none: its staff, with
        ``password`` (hashed once for all) or none until one is set."""
        User = get_user_model()
        names = {OFFICE.format(commune.slug): commune for commune in communes}
        there = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        hashed = make_password(password)  # None: an unusable password
        users = [
            User(
                username=username,
                first_name=person(self.rng("office", commune.slug)),
                is_staff=True,
                password=hashed,
            )
            for username, commune in names.items()
            if username not in there
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        users = list(User.objects.filter(username__in=[user.username for user in users]))
        staff = Group.objects.get(name=WARD_STAFF)
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user.pk, group_id=staff.pk) for user in users
        )
        Account.objects.bulk_create(
            Account(user=user, committee=names[user.username]) for user in users
        )
        return len(users)

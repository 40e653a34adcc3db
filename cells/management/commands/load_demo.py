import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cells.models import Cell
from targets.models import Area, Figure, Target, Year

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"


def amount(text):
    return None if text is None else Decimal(str(text))


class Command(BaseCommand):
    help = (
        "Load the demo ward (areas, 40 targets, 10 cells, 2023 and 2024 figures) from "
        "fixtures/demo.json. Creates what is missing and leaves existing rows alone, so running "
        "it twice changes nothing; --reset puts every demo value back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite existing rows with the demo values (changes go into the history).",
        )

    def handle(self, *args, file, reset, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        self.reset = reset
        self.created = self.changed = 0
        with transaction.atomic():
            years = {
                row["year"]: self.put(Year, {"year": row["year"]}, row) for row in data["years"]
            }
            for area_row in data["areas"]:
                area = self.put(
                    Area, {"position": area_row["position"]}, {"name": area_row["name"]}
                )
                for row in area_row["targets"]:
                    target = self.put(
                        Target,
                        {"slug": row["slug"]},
                        {key: row[key] for key in ("position", "name", "unit", "kind", "direction")}
                        | {"area": area},
                    )
                    for year, figure_row in row["figures"].items():
                        self.put_figure(target, years[int(year)], figure_row)
            for row in data["cells"]:
                self.put(Cell, {"number": row["number"]}, {"name": row["name"]})
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data: {self.created} rows created, {self.changed} figures reset "
                    f"({Target.objects.count()} targets, {Cell.objects.count()} cells, "
                    f"years {', '.join(str(y) for y in sorted(years))})."
                )
            )

    def put(self, model, lookup, values):
        values = {k: v for k, v in values.items() if k not in lookup}
        if self.reset:
            obj, created = model.objects.update_or_create(**lookup, defaults=values)
        else:
            obj, created = model.objects.get_or_create(**lookup, defaults=values)
        self.created += created
        return obj

    def put_figure(self, target, year, row):
        figure = Figure.objects.filter(target=target, year=year).first()
        if figure and not self.reset:
            return
        created = figure is None
        figure = figure or Figure(target=target, year=year)
        figure.plan = amount(row.get("plan"))
        figure.actual = amount(row.get("actual"))
        figure.note = row.get("note", "")
        figure.illustrative = row.get("illustrative", True)
        saved = figure.save()
        if created:
            self.created += 1
        elif saved:
            self.changed += 1

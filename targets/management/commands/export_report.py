from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets import xlsx
from targets.models import Year
from targets.progress import Stage
from targets.report import YearReport


class Command(BaseCommand):
    help = (
        "Write the year-end report (targets, plan, actual, % of plan, assessment) as an Excel "
        "workbook, e.g. `export_report 2023 -o bao-cao-2023.xlsx`."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="Where to write the workbook (default: bao-cao-<year>.xlsx here).",
        )
        parser.add_argument(
            "--stage",
            choices=Stage.values,
            help="Which figures: half, estimate or final (default: the latest the year has).",
        )

    def handle(self, *args, year, output, stage, **options):
        found = Year.objects.filter(year=year).first()
        if found is None:
            known = sorted(Year.objects.values_list("year", flat=True))
            if not known:
                raise CommandError(f"There is no year {year}: no planning year is set up yet.")
            raise CommandError(
                f"There is no year {year}; the years are: {', '.join(map(str, known))}."
            )
        report = YearReport.year_end(found, stage)
        output = output or Path(xlsx.filename(report))
        try:
            output.write_bytes(xlsx.workbook_bytes(xlsx.build_workbook(report)))
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(str(output))

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committees.models import Committee
from targets import word, xlsx
from targets.report import YearReport
from targets.stages import Stage


class Command(BaseCommand):
    help = (
        "Write the year's report: its tables as an Excel workbook (targets, plan, actual, % of "
        "plan, assessment; `export_report 2023 -o bao-cao-2023.xlsx`), or the whole report as "
        "a Word document (`export_report 2023 -o bao-cao-2023.docx`, or --word)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--committee",
            help="The committee's key, such as cau-thia (default: the only committee with years).",
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="Where to write it (default: bao-cao-<year>.xlsx, or .docx with --word, here).",
        )
        parser.add_argument(
            "--word",
            action="store_true",
            dest="as_word",
            help="The report as a Word document (also chosen by an output ending in .docx).",
        )
        parser.add_argument(
            "--stage",
            choices=Stage.values,
            help=f"Which figures: {', '.join(Stage.values)} (default: the latest the year has).",
        )

    def handle(self, *args, committee, year, output, stage, as_word=False, **options):
        committee = self.committee(committee, year)
        found = committee.years.filter(year=year).first()
        if found is None:
            known = sorted(committee.years.values_list("year", flat=True))
            if not known:
                raise CommandError(f"There is no year {year}: no planning year is set up yet.")
            raise CommandError(
                f"There is no year {year}; the years are: {', '.join(map(str, known))}."
            )
        report = YearReport.year_end(found, stage)
        as_word = as_word or (output is not None and output.suffix.lower() == ".docx")
        output = output or Path((word if as_word else xlsx).filename(report))
        try:
            if as_word:
                output.write_bytes(word.docx_bytes(report))
            else:
                output.write_bytes(xlsx.workbook_bytes(xlsx.build_workbook(report)))
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(str(output))

    def committee(self, key, year):
        """The committee keyed ``key``; without one, the only committee with years (on an
        installation that hosts one), else the only one that has ``year``."""
        if key is not None:
            found = Committee.objects.filter(slug=key).first()
            if found is None:
                raise CommandError(f"There is no committee {key}.")
            return found
        found = Committee.objects.with_years()
        if len(found) != 1:
            found = Committee.objects.with_years().filter(years__year=year)
        if len(found) != 1:
            raise CommandError(
                f"Name the committee with --committee: {len(found)} committees have a year {year}."
            )
        return found[0]

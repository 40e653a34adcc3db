import json
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cells.models import SHARE_AMOUNTS, Cell, CellSecretary, CellYear, Share, Task, TaskNote
from cells.roles import CELL_SECRETARIES, WARD_STAFF
from committees.models import Account, Committee
from targets import narrative
from targets.models import Area, Figure, ReportText, Target, Year
from targets.report import YearReport
from targets.stages import STAGE_FIELDS, Stage

FIXTURES = Path(settings.FIXTURES_DIR)


def amount(text):
    return None if text is None else Decimal(str(text))


def read(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from error


def demo_names(data, cells_data):
    """The names the demo accounts carry, as the demo's years write them (illustrative, like the
    cells' secretaries): the ward secretary's (key None) from the latest year, each cell
    secretary's (key: the cell's number) from the cell's latest year."""
    names = {}
    for row in sorted(data["years"], key=lambda row: row["year"]):
        if row.get("secretary_name"):
            names[None] = row["secretary_name"]
    for row in sorted(cells_data["cell_years"], key=lambda row: row["year"]):
        if row.get("secretary_name"):
            names[row["cell"]] = row["secretary_name"]
    return names


class Command(BaseCommand):
    help = (
        "Load the demo ward from fixtures/: areas, 40 targets, 2023 and 2024 figures, 10 cells "
        "with their tasks and 2023 ratings, and the users bithu (ward secretary) and chibo1 … "
        "chibo10 (cell secretaries). Creates what is missing and leaves existing rows alone, so "
        "running it twice changes nothing; --reset puts every demo value back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=FIXTURES / "demo.json")
        parser.add_argument("--cells-file", type=Path, default=FIXTURES / "demo_cells.json")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite existing rows with the demo values (changes go into the history).",
        )
        parser.add_argument(
            "--password",
            help="Set this password for every demo user. Without it, new users get one random "
            "password, printed once; existing users keep theirs.",
        )

    def handle(self, *args, file, cells_file, reset, password, **options):
        data, cells_data = read(file), read(cells_file)
        self.reset = reset
        self.created = self.changed = 0
        committee = self.put_committee(data["committee"])
        closed = sorted(
            committee.years.filter(
                year__in=[row["year"] for row in data["years"]], is_closed=True
            ).values_list("year", flat=True)
        )
        if closed and reset:
            raise CommandError(
                f"The figures of {', '.join(map(str, closed))} are closed: --reset changes "
                "nothing of a closed year. Reopen it for adjustment first (with a reason, from "
                "its dashboard); nothing was changed."
            )
        with transaction.atomic():
            years = {
                row["year"]: self.put(Year, {"committee": committee, "year": row["year"]}, row)
                for row in data["years"]
                if row["year"] not in closed
            }
            targets = {}
            for area_row in data["areas"]:
                area = self.put(
                    Area,
                    {"committee": committee, "position": area_row["position"]},
                    {"name": area_row["name"]},
                )
                for row in area_row["targets"]:
                    fields = (
                        "position",
                        "name",
                        "unit",
                        "kind",
                        "direction",
                        "rating_feed",
                        "report_phrase",
                    )
                    target = self.put(
                        Target,
                        {"committee": committee, "slug": row["slug"]},
                        {key: row[key] for key in fields if key in row} | {"area": area},
                    )
                    targets[target.slug] = target
                    for year, figure_row in row["figures"].items():
                        if int(year) in years:
                            self.put_figure(target, years[int(year)], figure_row)
            cells = {
                row["number"]: self.put(
                    Cell,
                    {"committee": committee, "number": row["number"]},
                    {"name": row["name"], "illustrative": row["illustrative"]},
                )
                for row in data["cells"]
            }
            for row in cells_data["cell_years"]:
                if row["year"] not in years:
                    continue
                lookup = {"cell": cells[row["cell"]], "year": years[row["year"]]}
                self.put(CellYear, lookup, {k: v for k, v in row.items() if k not in lookup})
            self.put_tasks(cells_data["tasks"], cells, years, targets)
            self.put_shares(cells_data.get("shares", []), cells, years, targets)
            self.put_issued_texts(years.values())
            users = self.put_users(committee, cells, password, demo_names(data, cells_data))
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data: {self.created} rows created, {self.changed} figures reset "
                    f"({committee.targets.count()} targets, {committee.cells.count()} cells, "
                    f"years {', '.join(str(y) for y in sorted(years))})."
                )
            )
            self.stdout.write(users)
            if closed:
                self.stdout.write(
                    f"The figures of {', '.join(map(str, closed))} are closed: left as they are."
                )

    def put_committee(self, row):
        """The demo's committee, under its superior (each created if missing)."""
        superior = row.get("superior")
        if superior is not None:
            superior = self.put_committee(superior)
        committee = Committee.objects.filter(slug=row["slug"]).first()
        if committee is None:
            committee = Committee(slug=row["slug"], name=row["name"], superior=superior)
            committee.save()
            self.created += 1
        return committee

    def put(self, model, lookup, values):
        values = {k: v for k, v in values.items() if k not in lookup}
        if self.reset:
            obj, created = model.objects.update_or_create(**lookup, defaults=values)
        else:
            obj, created = model.objects.get_or_create(**lookup, defaults=values)
        self.created += created
        return obj

    def put_issued_texts(self, years):
        """The final report of a year issued under a number (2023's, Số 125-BC/ĐU) has its
        text, drafted from the figures and marked final: an issued report is no draft."""
        for year in years:
            if not year.issued_as(Stage.FINAL)[0]:
                continue
            saved = ReportText.objects.filter(year=year, stage=Stage.FINAL).first()
            if saved and not self.reset:
                continue
            text = narrative.draft(YearReport.for_year(year, Stage.FINAL))
            version = saved.version if saved else 0
            if ReportText.write(year, Stage.FINAL, text | {"is_final": True}, None, version):
                self.created += saved is None

    def put_figure(self, target, year, row):
        figure = Figure.objects.filter(target=target, year=year).first()
        if figure and not self.reset:
            return
        created = figure is None
        figure = figure or Figure(target=target, year=year)
        figure.plan = amount(row.get("plan"))
        for field in STAGE_FIELDS:
            setattr(figure, field, amount(row.get(field)))
        figure.note = row.get("note", "")
        figure.reason = row.get("reason", "")
        figure.comment = row.get("comment", "")
        figure.illustrative = row.get("illustrative", True)
        saved = figure.save()
        if created:
            self.created += 1
        elif saved:
            self.changed += 1

    def put_tasks(self, rows, cells, years, targets):
        for row in rows:
            if row["year"] not in years:
                continue
            lookup = {
                "cell": cells[row["cell"]],
                "year": years[row["year"]],
                "target": targets[row["target"]],
                "description": row["description"],
            }
            fields = ("responsible", "due_date", "status", "note", "illustrative")
            task = self.put(Task, lookup, {key: row[key] for key in fields})
            if not task.notes.exists():  # notes are kept as written: only a new task gets them
                for note in row.get("notes", []):
                    TaskNote(task=task, text=note["text"], written_at=note["written_at"]).save()
                    self.created += 1

    def put_shares(self, rows, cells, years, targets):
        """Each cell's share of a ward figure; --reset writes the demo values back through
        Share.write (with their history), like any other writer."""
        for row in rows:
            if row["year"] not in years:
                continue
            figure = Figure.objects.get(target=targets[row["target"]], year=years[row["year"]])
            share = Share.objects.filter(cell=cells[row["cell"]], figure=figure).first()
            if share is not None and not self.reset:
                continue
            created = share is None
            share = share or Share(cell=cells[row["cell"]], figure=figure)
            share.illustrative = row.get("illustrative", True)
            values = {field: amount(row.get(field)) for field in SHARE_AMOUNTS}
            if share.write(values, None, share.version if share.pk else 0):
                self.created += created
                self.changed += not created

    def put_users(self, committee, cells, password, names):
        """bithu in the ward staff group; chiboN linked to cell N. Returns how to sign in.

        Each account carries the name the ward writes (``names``, see demo_names), which the
        pages show instead of the login. A Vietnamese name reads family name first ("Đồng Thị
        Dưỡng"), and Django's admin calls first_name "Tên" (given name) and last_name "Họ": so
        the whole name is kept in first_name and last_name stays empty; get_full_name() then
        prints it in the ward's order. A demo account without a name gets one; --reset writes
        the demo name back."""
        User = get_user_model()
        staff, secretaries = (
            Group.objects.get(name=name) for name in (WARD_STAFF, CELL_SECRETARIES)
        )
        generated = None if password else secrets.token_urlsafe(9)
        # One hash for every demo user: hashing is deliberately slow.
        hashed = make_password(password or generated)
        accounts = [("bithu", names.get(None, ""), staff, None)] + [
            (f"chibo{number}", names.get(number, ""), secretaries, cell)
            for number, cell in sorted(cells.items())
        ]
        who = f"Sign in as bithu (ward secretary) or chibo1 … chibo{len(cells)} (cell secretaries)"
        new = []
        for username, full_name, group, cell in accounts:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=full_name)
                user.is_staff = group == staff
                user.password = hashed
                user.save()
                new.append(username)
            else:
                renamed = self.reset or (full_name and not user.get_full_name())
                if renamed:
                    user.first_name, user.last_name = full_name, ""
                if password:
                    user.password = hashed
                if renamed or password:
                    user.save()
            user.groups.add(group)
            Account.objects.get_or_create(user=user, defaults={"committee": committee})
            if cell is not None:
                CellSecretary.objects.get_or_create(user=user, defaults={"cell": cell})
        if password:
            return f"{who} with the password you gave."
        if new:
            return f"{who} with the password: {generated}"
        return (
            "Demo users exist and keep their passwords; set one for all with "
            "make run DEMO_PASSWORD=… (or load_demo --password …)."
        )

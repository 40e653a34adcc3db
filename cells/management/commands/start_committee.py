"""Start a committee from the command line: the committee, its first year, the targets of its
superior (or of another committee) and its first office account (see cells.starting)."""

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cells.starting import (
    YEAR_NAMES,
    check_office_account,
    check_start,
    open_office_account,
    start_committee,
)
from committees.models import Committee


def committee_keyed(key, option):
    committee = Committee.objects.filter(slug=key).first()
    if committee is None:
        raise CommandError(f"{option}: no committee has the key {key!r}.")
    return committee


def refused(errors):
    """A CommandError that says what was refused ({field: messages}), by the option given."""
    lines = [
        f"  {OPTIONS.get(field, '--' + field.replace('_', '-'))}: {message}"
        for field, messages in errors.items()
        for message in messages
    ]
    return CommandError("Nothing was created:\n" + "\n".join(lines))


# The option each field refused comes from, where its name is not the field's.
OPTIONS = {"username": "--office-user", "password": "--office-password", "__all__": "--slug"}


class Command(BaseCommand):
    help = (
        "Start a party committee under its superior: its first year, a copy of the superior's "
        "targets (or --template's) with no plans, and its first office account. The year's "
        "names not given are taken from --name and the superior's name."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. Đảng bộ xã Minh Họa")
        parser.add_argument("--slug", required=True, help="its key in addresses: xa-minh-hoa")
        parser.add_argument("--superior", required=True, help="the superior committee's key")
        parser.add_argument(
            "--template",
            help="the key of the committee whose targets it takes (default: the superior)",
        )
        parser.add_argument("--year", type=int, required=True, help="its first year")
        for name in YEAR_NAMES:
            parser.add_argument(f"--{name.replace('_', '-')}", default="")
        parser.add_argument("--office-user", required=True, help="the office account's user name")
        parser.add_argument(
            "--office-password",
            help="its password (checked like any other); without it, one is made and printed",
        )

    def handle(self, *args, **options):
        superior = committee_keyed(options["superior"], "--superior")
        template = options["template"] and committee_keyed(options["template"], "--template")
        username, password = options["office_user"], options["office_password"]
        start = {
            "name": options["name"],
            "slug": options["slug"],
            "superior": superior,
            "template": template or None,
            "year": options["year"],
            "names": {name: options[name] for name in YEAR_NAMES},
        }
        errors = {}
        for check in (
            lambda: check_start(**start),
            lambda: check_office_account(username, password),
        ):
            try:
                check()
            except ValidationError as error:
                error.update_error_dict(errors)
        if errors:
            raise refused(ValidationError(errors).message_dict)
        made = None if password else secrets.token_urlsafe(12)
        with transaction.atomic():
            committee = start_committee(**start, by=None)
            open_office_account(committee, username, password or made)
        self.stdout.write(
            self.style.SUCCESS(
                f"Started {committee} under {superior}: {committee.targets.count()} targets, "
                f"year {options['year']} with no plans yet."
            )
        )
        self.stdout.write(
            f"Sign in as {username} "
            + ("with the password you gave" if password else f"with the password: {made}")
            + f"; its pages are at /{committee.slug}/{options['year']}/."
        )

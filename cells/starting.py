"""Starting a committee: the committee under its superior, its first year, the targets it takes
from another committee, and its first office account.

The same target means the same thing in every commune: a new committee takes its targets, as
they are defined, from a committee that has them (its superior's, unless another is named),
under the same keys and numbers, so that a province reads one target across its communes. It
takes no plan: the commune enters its own plans on its year's grid.
"""

import re

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import Account, Committee
from targets.models import Area, Figure, Target, Year, year_opened

from .roles import WARD_STAFF

# What a target is, which a copy keeps: its key is its code across committees.
TARGET_DEFINITION = (
    "position",
    "slug",
    "name",
    "unit",
    "kind",
    "direction",
    "report_phrase",
    "rating_feed",
)
# The names a year must carry (the rest of a year's fields have defaults or may stay empty).
YEAR_NAMES = ("committee_name", "executive_name", "superior_party_body", "place_name")
# The years a year may be: the bounds of Year's year_plausible constraint.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# "Đảng bộ xã Minh Họa": the committee (Đảng bộ), the kind of place, the place.
PARTY_NAME = re.compile(r"^Đảng bộ (?:xã|phường|thị trấn|đặc khu|thị xã|huyện|tỉnh) (?P<place>.+)$")


def year_names(name, superior, names):
    """The first year's names: ``names`` (a dict of Year fields), each one left empty taken from
    the committee's ``name`` and its ``superior``: the party organisation is the name, its
    executive the name's Đảng ủy ("Đảng bộ xã A" → "Đảng ủy xã A"), its place the name's place
    ("A"), its superior body the superior's name."""
    party = PARTY_NAME.match(name)
    derived = {
        "committee_name": name,
        "executive_name": name.replace("Đảng bộ", "Đảng ủy", 1) if party else "",
        "superior_party_body": superior.name if superior else "",
        "place_name": party["place"] if party else "",
    }
    return derived | {key: value for key, value in names.items() if value}


def plan_of(template):
    """The targets a committee started from ``template`` takes, with their areas: those of the
    template's current year, or all of them where it has no year yet."""
    targets = template.targets.select_related("area").order_by("position")
    current = template.years.current()
    if current is not None:
        targets = targets.filter(figures__year=current)
    return list(targets)


def copy_plan(targets, committee):
    """Unsaved copies, for ``committee``, of ``targets`` (plan_of) and of their areas: (areas,
    targets), each copied target under its area's copy."""
    areas = {}
    copies = []
    for target in targets:
        area = areas.get(target.area_id)
        if area is None:
            area = areas[target.area_id] = Area(
                committee=committee, position=target.area.position, name=target.area.name
            )
        copies.append(
            Target(
                committee=committee,
                area=area,
                **{name: getattr(target, name) for name in TARGET_DEFINITION},
            )
        )
    return list(areas.values()), copies


def check_start(*, name, slug, superior, template, year, names):
    """ValidationError, by field, if the committee cannot be started as start_committee is
    asked to; else the committee and its first year, unsaved."""
    template = template or superior
    committee = Committee(name=name, slug=slug, superior=superior)
    first = Year(year=year, **year_names(name, superior, names))
    errors = {}
    try:
        committee.full_clean(exclude=["lineage", "slug"], validate_unique=False)
    except ValidationError as error:
        errors |= error.message_dict
    # The key's own rules; Django's rule of any slug says less, and in English.
    for validator in Committee._meta.get_field("slug").validators:
        if validator is not validate_slug:
            try:
                validator(slug)
            except ValidationError as error:
                errors.setdefault("slug", []).extend(error.messages)
    if "slug" not in errors and Committee.objects.filter(slug=committee.slug).exists():
        errors["slug"] = [
            _("The key “%(key)s” is another committee's already.") % {"key": committee.slug}
        ]
    if "name" not in errors and Committee.objects.filter(name=committee.name).exists():
        errors["name"] = [_("A committee is named “%(name)s” already.") % {"name": committee.name}]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = [
            _("The first year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ]
    try:
        first.clean_fields(exclude=["committee", "year"])
    except ValidationError as error:
        errors |= error.message_dict
    if template is None:
        errors["template"] = [_("Choose the committee whose targets the new one takes.")]
    elif not template.targets.exists():
        errors["template"] = [
            _("%(committee)s has no targets to take: choose a committee that has.")
            % {"committee": template}
        ]
    if errors:
        raise ValidationError(errors)
    return committee, first


def start_committee(*, name, slug, superior, template, year, names, by):
    """Start the committee ``name`` keyed ``slug`` under ``superior``: its first year ``year``
    under ``names`` (a dict of Year fields; see year_names for those left out), and a copy of
    the targets of ``template`` (the superior's when None), each with a figure of the year and
    no plan yet. Everything or nothing is written; ValidationError, by field, says what stands
    in the way. ``by``: the user who starts it, None for a command. Returns the committee."""
    committee, first = check_start(
        name=name, slug=slug, superior=superior, template=template, year=year, names=names
    )
    with transaction.atomic():
        committee.save()
        first.committee = committee
        first.save(changed_by=by)
        areas, targets = copy_plan(plan_of(template or superior), committee)
        for area in areas:
            area.save()
        for target in targets:
            target.save(changed_by=by)
            Figure(target=target, year=first).save(changed_by=by)
        year_opened.send(sender=Year, year=first, by=by)
    return committee


def check_office_account(username, password):
    """ValidationError, by field (username, password), if an office account cannot be opened
    under ``username`` with ``password`` (None: no password checked)."""
    User = get_user_model()
    errors = {}
    try:
        User.username_validator(username)
    except ValidationError as error:
        errors["username"] = error.messages
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("The user name “%(name)s” is taken.") % {"name": username}]
    if password is not None:
        try:
            password_validation.validate_password(password, User(username=username))
        except ValidationError as error:
            errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)


def open_office_account(committee, username, password=None, full_name=""):
    """A user in ``committee``'s office (its staff: they see and enter everything of it, and
    may use the admin), signing in with ``password``, or with none until one is set. Returns
    the user."""
    with transaction.atomic():
        user = get_user_model()(username=username, first_name=full_name, is_staff=True)
        user.set_password(password)  # None: an unusable password
        user.save()
        user.groups.add(Group.objects.get(name=WARD_STAFF))
        Account.objects.create(user=user, committee=committee)
    return user

"""The party committees (đảng bộ) one installation hosts, and who works for which.

A committee is the root of everything the app keeps: its years, areas, targets and cells hang
from it, and everything else from those. Committees form a tree (a province's committee above
its communes' ones), stored through ``superior`` at any depth; ``lineage`` spells each one's
place in it so that "is this committee under that one?" needs no query.

A user works for one committee (``Account``): as its office staff or as one of its cells'
secretaries, by their role. The staff of a committee higher up read the pages of the ones
below it, and change nothing there.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

# A committee's key is the first part of its pages' addresses (/cau-thia/2024/): it must not be
# taken for a year (all digits) or for one of the installation's own addresses.
RESERVED_KEYS = {"accounts", "admin", "health", "i18n", "static", "media", "api", "committees"}
RESERVED_KEYS |= {"targets", "cells"}  # the addresses of before: /targets/2024/, /cells/3/
key_shape = RegexValidator(
    r"^[a-z0-9]+(-[a-z0-9]+)*$",
    _("Use lower-case letters without accents, digits and hyphens, such as cau-thia."),
)


def validate_key(value):
    if value.isdigit():
        raise ValidationError(_("A committee's key needs a letter: digits alone name a year."))
    if value in RESERVED_KEYS:
        raise ValidationError(
            _("“%(key)s” is one of the installation's own addresses."), params={"key": value}
        )


# The permission of a committee's office staff: the view of every one of its cells (the roles
# of cells/roles.py). A user without it works on one cell, as its secretary.
OFFICE_STAFF = "cells.view_cell"


class CommitteeQuerySet(models.QuerySet):
    def readable_by(self, user):
        """The committees whose pages ``user`` reads (see reads): every one, for a superuser;
        their own and those under it, for its office staff; their own, for anyone else."""
        if user.is_superuser:
            return self
        own = committee_of(user)
        if own is None:
            return self.none()
        if not user.has_perm(OFFICE_STAFF):
            return self.filter(pk=own.pk)
        return self.filter(lineage__startswith=own.lineage)

    def with_years(self):
        """The committees that keep years of their own (a province may keep none)."""
        return self.filter(years__isnull=False).distinct()


class Committee(models.Model):
    """A party committee: a commune's or ward's (đảng bộ xã/phường), or a province's above them.

    Its name here is the one the installation lists it by; the names a year's documents carry
    (committee, executive, superior body, place) stay data of that year, as they change with
    reorganisations."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("key"),
        max_length=60,
        unique=True,
        validators=[key_shape, validate_key],
        help_text=_("The first part of its pages' addresses, such as cau-thia."),
    )
    superior = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subordinates",
        verbose_name=_("superior committee"),
    )
    # "/1/7/" for committee 7 under committee 1: its ancestors' keys and its own, set on save.
    lineage = models.CharField(max_length=500, editable=False, db_index=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("party committee")
        verbose_name_plural = _("party committees")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(superior=models.F("pk")), name="committee_not_own_superior"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                kwargs = {}
            before = self.lineage
            self.lineage = f"{self.superior.lineage if self.superior else '/'}{self.pk}/"
            super().save(*args, **kwargs)
            if before and before != self.lineage:
                for below in Committee.objects.filter(lineage__startswith=before).exclude(
                    pk=self.pk
                ):
                    below.lineage = self.lineage + below.lineage.removeprefix(before)
                    below.save(update_fields=["lineage"])

    def get_absolute_url(self):
        return f"/{self.slug}/"

    def clean(self):
        superior = self.superior
        if self.pk is not None and superior is not None and f"/{self.pk}/" in superior.lineage:
            raise ValidationError(
                {"superior": _("A committee cannot be under itself or one of its own.")}
            )

    def is_above(self, other):
        """Whether ``other`` is under this committee, at any depth."""
        return other.pk != self.pk and other.lineage.startswith(self.lineage)

    @property
    def below(self):
        """The committees under this one, at any depth."""
        return Committee.objects.filter(lineage__startswith=self.lineage).exclude(pk=self.pk)


class Account(models.Model):
    """The committee a user works for: one. Their role there (office staff, cell secretary) is
    their group, as on a one-committee installation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account",
        verbose_name=_("user"),
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("committee")
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return f"{self.user} · {self.committee}"


def committee_field(related_name):
    """The committee a root record (a year, an area, a target, a cell) belongs to: for good,
    never deleted while it has records (PROTECT)."""
    return models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=_("committee"),
    )


def reads(user, committee):
    """Whether ``user`` may read ``committee``'s pages: a superuser any; anyone the committee
    they work for; its office staff also the committees under it. The rule of readable_by, for
    one committee at hand and without a query beyond the user's account."""
    if user.is_superuser:
        return True
    own = committee_id_of(user)
    if own is None:
        return False
    if own == committee.pk:
        return True
    return user.has_perm(OFFICE_STAFF) and user.account.committee.is_above(committee)


def committee_id_of(user):
    """The key (pk) of the committee ``user`` works for, or None: no query for the committee
    itself, and the user's account is kept on the user once read."""
    account = getattr(user, "account", None) if user.is_authenticated else None
    return None if account is None else account.committee_id


def committee_of(user):
    """The committee ``user`` works for, or None (a superuser, or a user not given one)."""
    account = getattr(user, "account", None) if user.is_authenticated else None
    return None if account is None else account.committee

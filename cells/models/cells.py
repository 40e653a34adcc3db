"""The ward's party cells, and which user is each one's secretary."""

import operator
from functools import reduce

from django.conf import settings
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committees.models import committee_field
from targets.access import is_cell_secretary
from targets.fields import CleanCharField
from targets.models import Figure, refuse_to_reword_closed_reports
from targets.report import latest_stage
from targets.stages import STAGE_FIELDS

# What a cell's new year takes over from its year before (Cell.new_year).
CARRIED_FACTS = ("secretary_name", "members", "illustrative_facts")


class CellQuerySet(models.QuerySet):
    def for_user(self, user):
        """The cells a user may see: every cell for ward staff, their own for a cell secretary.

        Every view fetches cells (and through them tasks) here and nowhere else.
        """
        if not is_cell_secretary(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(secretaries__user=user)

    def of_secretary(self, user):
        """The cell ``user`` is the secretary of, or None: ward staff see every cell and have
        none of their own (nor has a user with no cell)."""
        if not is_cell_secretary(user):
            return None
        return self.for_user(user).first()

    def with_facts_before(self, year):
        """Each cell with the facts of its latest year before ``year`` (CARRIED_FACTS, each as
        ``previous_<name>``, None where it has none), in the same query: what Cell.new_year
        starts from."""
        cell_year = self.model._meta.get_field("years").related_model  # the cells' CellYear
        latest = cell_year.objects.filter(cell=OuterRef("pk"), year__year__lt=year.year).order_by(
            "-year__year"
        )
        return self.annotate(
            **{f"previous_{name}": Subquery(latest.values(name)[:1]) for name in CARRIED_FACTS}
        )


class Cell(models.Model):
    """A party cell (chi bộ) of the ward, most of them one per residential group."""

    committee = committee_field(related_name="cells")
    number = models.PositiveSmallIntegerField(_("number"))
    name = CleanCharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    illustrative = models.BooleanField(
        _("illustrative name"), default=False, help_text=_("A demo name, not a real cell's.")
    )

    objects = CellQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("party cell")
        verbose_name_plural = _("party cells")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="cell_number_positive"),
            models.UniqueConstraint(
                fields=["committee", "number"], name="cell_number_per_committee"
            ),
            models.UniqueConstraint(fields=["committee", "name"], name="cell_name_per_committee"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.clean()
            super().save(*args, **kwargs)

    def url_in(self, year):
        """The cell's page in ``year`` (a Year)."""
        return reverse("cells:cell", kwargs={**year.address, "number": self.number})

    def new_year(self, year):
        """The cell's year ``year``, unsaved, with its secretary and members carried over from
        its latest year before (fetch the cell through Cell.objects.with_facts_before): the
        office corrects them where they changed."""
        return self.years.model(
            cell=self,
            year=year,
            secretary_name=self.previous_secretary_name or "",
            members=self.previous_members or 0,
            illustrative_facts=bool(self.previous_illustrative_facts),
        )

    def home_year(self):
        """The year the cell's secretary lands on: the latest open year in which the cell has
        work due (a task still to be done, or a share with nothing reported at the stage the
        year has come to), else the latest open year, else the latest year."""
        years = list(self.committee.years.open())
        if not years:
            return self.committee.years.first()
        due = set(
            self.tasks.filter(year__in=years).pending().order_by().values_list("year_id", flat=True)
        )
        years_left = [year for year in years if year.pk not in due]
        figures = {year.pk: [] for year in years_left}
        for figure in Figure.objects.filter(year__in=years_left).only("year_id", *STAGE_FIELDS):
            figures[figure.year_id].append(figure)
        # The stage a year has come to is the one its pages open on (latest_stage).
        stages = {pk: latest_stage(found).field for pk, found in figures.items()}
        unreported = [Q(year_id=pk, **{f"{field}__isnull": True}) for pk, field in stages.items()]
        if unreported:
            due |= set(
                self.shares.filter(reduce(operator.or_, unreported))
                .order_by()
                .values_list("year_id", flat=True)
            )
        return next((year for year in years if year.pk in due), years[0])

    def clean(self):
        # A closed year's sheet keeps the cell's name of that year (frozen on its CellYear when
        # the year closed); the number it is listed under cannot change under it.
        refuse_to_reword_closed_reports(self, ("number",), self.years.model, cell=self)


class CellSecretary(models.Model):
    """Links a user account to the one cell whose secretary (bí thư chi bộ) it belongs to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cell_secretary",
        verbose_name=_("user"),
    )
    cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="secretaries", verbose_name=_("party cell")
    )

    class Meta:
        verbose_name = _("cell secretary account")
        verbose_name_plural = _("cell secretary accounts")

    def __str__(self):
        return f"{self.user} → {self.cell}"

"""A cell's share of a ward target in a year: its part of the plan, what it reports, and what
the shares add up to."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.models import (
    FIGURE_AMOUNTS,
    Figure,
    OfOpenYear,
    OfOpenYearQuerySet,
    Recorded,
    StageActuals,
    Year,
    amount_field,
    amount_in_range,
    person_field,
)
from targets.progress import Kind
from targets.stages import Stage

from .cells import Cell

# The kinds of target whose plan the ward splits among its cells: counted or summed things. A
# rate is the ward's own, and a qualitative target has nothing to add up.
SHARED_KINDS = (Kind.COUNT, Kind.MONEY, Kind.REDUCTION)


SHARE_AMOUNTS = FIGURE_AMOUNTS


class StaleShare(Exception):
    """Raised when a cell's share was changed by someone else since the page showed it."""

    def __init__(self, current):
        super().__init__(f"share {current.pk} is at version {current.version}")
        self.current = current


class ShareQuerySet(OfOpenYearQuerySet):
    def for_user(self, user):
        """Shares of the cells the user may see (see CellQuerySet.for_user)."""
        return self.filter(cell__in=Cell.objects.for_user(user))


class ShareTotals:
    """What a ward figure's shares add up to at each stage: the sum of the cells that have
    reported and how many have, out of the cells given a share ("7/10 chi bộ đã báo cáo")."""

    def __init__(self, figure, shares):
        self.figure = figure
        self.shares = list(shares)

    def reported(self, stage):
        return [share for share in self.shares if share.actual_at(stage) is not None]

    def sum_at(self, stage):
        """The cells' sum at ``stage``, or None while no cell has reported."""
        reported = self.reported(stage)
        if not reported:
            return None
        return sum(share.actual_at(stage) for share in reported)

    @property
    def plan(self):
        planned = [share.plan for share in self.shares if share.plan is not None]
        return sum(planned) if planned else None

    def stages(self):
        """[(stage, sum, reported count, the ward's figure at that stage)] for every stage."""
        return [
            (stage, self.sum_at(stage), len(self.reported(stage)), self.figure.actual_at(stage))
            for stage in Stage
        ]

    def adopt(self, stage, by, expected_version):
        """Write the cells' sum at ``stage`` as the ward's figure, through Figure.save and its
        history (StaleFigure if the figure moved on since the page was shown)."""
        setattr(self.figure, stage.field, self.sum_at(stage))
        return self.figure.save(changed_by=by, expected_version=expected_version)


class Share(Recorded, OfOpenYear, StageActuals):
    """A cell's share of a ward target in a year: the part of the plan the ward gave the cell,
    and what the cell reports at each stage. The ward's figure shows their sum, and the office
    adopts it as the ward's actual (Figure.save records that)."""

    cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="shares", verbose_name=_("party cell")
    )
    figure = models.ForeignKey(
        Figure, on_delete=models.PROTECT, related_name="shares", verbose_name=_("ward figure")
    )
    # The figure's year, kept here so that a closed year freezes its shares too.
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="+", verbose_name=_("year")
    )
    plan = amount_field(_("cell's plan"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo figures, not from a real source.")
    )
    version = models.PositiveIntegerField(_("update"), default=1)
    updated_by = person_field(_("last changed by"))
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["figure__target__position", "cell__number"]
        verbose_name = _("cell's share")
        verbose_name_plural = _("cells' shares")
        constraints = [
            models.UniqueConstraint(fields=["cell", "figure"], name="share_one_per_cell_figure"),
            models.CheckConstraint(condition=Q(version__gte=1), name="share_version_positive"),
            *(
                models.CheckConstraint(
                    condition=amount_in_range(field), name=f"share_{field}_range"
                )
                for field in SHARE_AMOUNTS
            ),
        ]

    def __str__(self):
        return f"{self.cell}: {self.figure}"

    def clean(self):
        super().clean()
        if self.figure_id and self.figure.target.kind not in SHARED_KINDS:
            raise ValidationError(
                _("Only a count, a value or a number reduced is split among the cells."),
                code="kind",
            )

    def write(self, values, by, expected_version):
        """Save ``values`` (amounts by field name) over the version the page showed. Raises
        StaleShare if someone saved since, YearClosed for a closed year; returns False and
        writes nothing when nothing changed."""
        self.clean()
        with transaction.atomic():
            # The year's lock also serialises two writers of the same share.
            Year.lock_open(self.year_id or self.figure.year_id)
            if self.pk is None:
                existing = Share.objects.filter(cell=self.cell_id, figure=self.figure_id).first()
                if existing is not None:  # made by someone else since the page was shown
                    raise StaleShare(existing)
            else:
                stored = Share.objects.select_related("updated_by").get(pk=self.pk)
                if stored.version != expected_version:
                    raise StaleShare(stored)
                if all(getattr(stored, name) == value for name, value in values.items()):
                    return False
                self.version = stored.version + 1
            for name, value in values.items():
                setattr(self, name, value)
            self.year_id = self.figure.year_id
            self.updated_by, self.updated_at = by, timezone.now()
            self.save(changed_by=by)
            return True

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cell(models.Model):
    """A party cell (chi bộ) of the ward, most of them one per residential group."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("party cell")
        verbose_name_plural = _("party cells")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="cell_number_positive")
        ]

    def __str__(self):
        return self.name

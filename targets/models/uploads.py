"""What is uploaded for a year: evidence files behind a figure, and workbooks imported for a
stage."""

import uuid

from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import files
from ..fields import CleanCharField
from ..stages import Stage
from ..text import clean_text
from .base import person_field
from .plan import Figure, Year


def evidence_storage():
    """Where evidence files are kept: STORAGES["evidence"] in the settings (the file system by
    default, an object store on several servers)."""
    return storages["evidence"]


def evidence_path(evidence, filename):
    """A name of the app's choosing: the uploader's name is kept apart, for showing."""
    extension = files.EXTENSIONS.get(evidence.content_type, "")
    return f"evidence/{evidence.figure.year.year}/{uuid.uuid4().hex}{extension}"


def shortened(name, length):
    """``name`` cut to ``length`` characters, its extension kept, so that it still says what
    the file is."""
    if len(name) <= length:
        return name
    stem, _dot, extension = name.rpartition(".")
    if not stem or not 0 < len(extension) < 10:
        return name[:length]
    return f"{stem[: length - len(extension) - 1]}.{extension}"


class Evidence(models.Model):
    """A file that shows where a figure comes from (a department's tally, a scanned minute),
    with who added it and when. Served only to those who may see the ward's figures."""

    figure = models.ForeignKey(
        Figure, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("figure")
    )
    file = models.FileField(
        _("file"), upload_to=evidence_path, storage=evidence_storage, max_length=200
    )
    name = CleanCharField(_("file name"), max_length=200)
    content_type = models.CharField(
        _("type"),
        max_length=100,
        choices=[(type_name, type_name) for type_name in files.EXTENSIONS],
    )
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = person_field(_("added by"), null=False, blank=False)
    uploaded_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=list(files.EXTENSIONS)),
                name="evidence_type_accepted",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save the row, and a new file with it: a file is stored only as its row is, never
        left without one when the row fails."""
        length = self._meta.get_field("name").max_length
        self.name = shortened(clean_text(self.name, multiline=False), length)
        new_file = bool(self.file) and not self.file._committed
        # Evidence belongs to its figure's year: a closed year's stays as it was filed.
        try:
            with transaction.atomic():
                Year.lock_open(self.figure.year_id)
                super().save(*args, **kwargs)
        except Exception:
            if new_file and self.file._committed:
                self.file.storage.delete(self.file.name)
            raise

    def get_absolute_url(self):
        figure = self.figure
        return reverse(
            "targets:evidence",
            kwargs={**figure.year.address, "slug": figure.target.slug, "pk": self.pk},
        )

    @property
    def download_name(self):
        """The uploader's name with the extension of what the file is: a PDF named "x.html"
        downloads as "x.pdf", a workbook named "x.xlsm" as "x.xlsx", so that no browser or
        program opens it as anything else."""
        stem, _dot, _extension = self.name.rpartition(".")
        return (stem or self.name) + files.EXTENSIONS[self.content_type]


class Import(models.Model):
    """A workbook brought in for a year and a stage (targets.imports): the file as uploaded, kept
    until its figures are written so the office can choose a sheet or look again, and the
    preview it gave, which the confirmation writes as it was shown. The figures' history names
    the import, so who uploaded which file stays on record."""

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="imports", verbose_name=_("year")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    file_name = CleanCharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), editable=False, default=b"")
    sheet = CleanCharField(_("sheet"), max_length=100, blank=True)
    # What the preview showed (targets.imports.Preview.as_json): the confirmation writes these
    # values, each figure at the version shown.
    preview = models.JSONField(_("preview"), default=dict, encoder=DjangoJSONEncoder)
    uploaded_by = person_field(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("written at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="import_stage_known")
        ]

    def __str__(self):
        return f"{self.file_name} ({self.year})"

    def get_absolute_url(self):
        return reverse("targets:import", kwargs={**self.year.address, "pk": self.pk})

"""The API's reads: the committees a token reads, a committee's years and a year's figures,
a committee's roll-up of its communes and their reporting. Each is a list in pages
(api.pages), read with GET, HEAD or OPTIONS; nothing here writes.

A committee is found through the pages' doors: targets.access for a committee and its years,
rollup.access for a roll-up, so that the API answers 404 exactly where the pages do. Every
read costs the same queries whatever the number of committees, communes or figures."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, F, OuterRef
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.generics import ListAPIView

from committees.models import Committee
from core.replica import replica_reads
from rollup.access import rollup_for
from rollup.counting import completeness, rollup, shared_targets, years_of
from targets.access import committee_readable
from targets.stages import Stage

from . import serializers
from .access import OfficeReads, readable, stage_asked
from .pages import PagesAtStage

KEY = OpenApiParameter(
    "key", str, OpenApiParameter.PATH, description="The committee's key, such as cau-thia."
)
YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="The year, such as 2024.")
STAGE = OpenApiParameter(
    "stage",
    str,
    OpenApiParameter.QUERY,
    enum=list(Stage.values),
    description="The stage the assessments are read at; the full year where none is named "
    "(another word is refused: 400).",
)


@method_decorator(replica_reads, name="dispatch")
class Read(ListAPIView):
    """A list the API answers: to GET, HEAD and OPTIONS, any other method refused (405) before
    anything else is asked. It needs no sign-in page: a request without a token or a session
    is answered 401 by the API itself. Its reads may go to the database's replica
    (core.replica)."""

    http_method_names = ["get", "head", "options"]
    permission_classes = [OfficeReads]

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))

    def initial(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


@extend_schema_view(get=extend_schema(operation_id="committees"))
class Committees(Read):
    """The committees the token reads: its user's committee and, for its office staff, the
    committees under it; every one for a superuser."""

    serializer_class = serializers.CommitteeSerializer

    def get_queryset(self):
        below = Committee.objects.filter(
            lineage__startswith=OuterRef("lineage"), years__isnull=False
        ).exclude(pk=OuterRef("pk"))
        return readable(self.request.user).annotate(
            superior_key=F("superior__slug"),
            keeps_years=Exists(Committee.objects.filter(pk=OuterRef("pk"), years__isnull=False)),
            has_communes=Exists(below),
        )


@extend_schema_view(get=extend_schema(operation_id="years", parameters=[KEY]))
class Years(Read):
    """A committee's years, the latest first."""

    serializer_class = serializers.YearSerializer

    def get_queryset(self):
        committee = committee_readable(self.request.user, self.kwargs["key"])
        return committee.years.order_by("-year")


@extend_schema_view(get=extend_schema(operation_id="figures", parameters=[KEY, YEAR, STAGE]))
class Figures(Read):
    """A committee's figures of the year, in the report's order: the plan, the actual at every
    stage, and at ?stage= the assessment and the percent of plan."""

    serializer_class = serializers.FigureSerializer
    pagination_class = PagesAtStage

    def get_queryset(self):
        committee = committee_readable(self.request.user, self.kwargs["key"])
        year = committee.years.filter(year=self.kwargs["year"]).first()
        if year is None:
            raise NotFound
        self.stage = stage_asked(self.request)
        return year.figures.select_related("target__area").order_by(
            "target__area__position", "target__position"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "stage": getattr(self, "stage", Stage.FINAL)}


class OfRollup(Read):
    """A read of a committee's roll-up of the year: not found where the user may not read the
    committee or none of its communes keeps the year (rollup.access)."""

    def rollup_door(self):
        return rollup_for(self.request, self.kwargs["key"], self.kwargs["year"])


@extend_schema_view(get=extend_schema(operation_id="rollup_years", parameters=[KEY]))
class RollupYears(Read):
    """The years a committee's communes keep, the latest first: not found where it has no
    communes."""

    serializer_class = serializers.RollupYearSerializer

    def get_queryset(self):
        committee = committee_readable(self.request.user, self.kwargs["key"])
        years = years_of(committee)
        if not years:
            raise NotFound
        self.committee = committee
        return years

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "committee": getattr(self, "committee", None)}


@extend_schema_view(get=extend_schema(operation_id="rollup", parameters=[KEY, YEAR, STAGE]))
class Rollup(OfRollup):
    """The committee's shared targets across its communes at ?stage=, in the targets' order: per
    target, the communes under each verdict and the figures compared."""

    serializer_class = serializers.RollupSerializer
    pagination_class = PagesAtStage

    def list(self, request, *args, **kwargs):
        door = self.rollup_door()
        self.stage = stage_asked(request)
        page = self.paginate_queryset(shared_targets(door.committee))
        rows = rollup(door.committee, door.year, self.stage, targets=page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@extend_schema_view(get=extend_schema(operation_id="completeness", parameters=[KEY, YEAR]))
class Completeness(OfRollup):
    """Each commune's reporting of the year, by name: its planned figures, how many have an
    actual at each stage, and when one last changed."""

    serializer_class = serializers.CompletenessSerializer

    def list(self, request, *args, **kwargs):
        door = self.rollup_door()
        page = self.paginate_queryset(completeness(door.committee, door.year))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class Schema(SpectacularAPIView):
    """The API's OpenAPI 3 schema, readable without a token."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))

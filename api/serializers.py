"""What the API answers, field by field: the shapes its OpenAPI schema is read from.

Amounts and percents are decimals written as strings ("95.77", never 95.77): a JSON number is
read as a float by most clients, which would change a figure ("0.1" + "0.2"); a string is read
back as it was stored. A stage's fields are made from the stages' declaration
(targets.stages), so that a stage added there is in the API too, under its value.
"""

from django.urls import reverse
from rest_framework import serializers

from rollup.counting import STATES
from targets.progress import Assessment, Direction, Kind, assess, percent_of_plan
from targets.stages import Stage

DECIMAL = "A decimal as a string, such as “95.77”; null where there is none."


def amount(help_text=DECIMAL, **kwargs):
    """An amount or a percent with its two decimals, as a string."""
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        coerce_to_string=True,
        allow_null=True,
        read_only=True,
        help_text=help_text,
        **kwargs,
    )


# What a value of ``keyed`` reads where the instance has none: the key is left out.
OMITTED = object()


def keyed(name, doc, members, field, read):
    """A serializer of one value for each of ``members`` (the stages, the assessments), under
    the member's value, as ?stage= names a stage: ``field(member)`` makes the member's field,
    ``read(instance, member)`` reads its value (OMITTED leaves the member out)."""

    def to_representation(self, instance):
        values = {}
        for member in members:
            value = read(instance, member)
            if value is None:
                values[member.value] = None
            elif value is not OMITTED:
                values[member.value] = self.fields[member.value].to_representation(value)
        return values

    fields = {member.value: field(member) for member in members}
    return serializers.SerializerMetaclass(
        name,
        (serializers.Serializer,),
        {"__module__": __name__, "__doc__": doc, "to_representation": to_representation, **fields},
    )


class Linking:
    """Absolute addresses, built for the request that asks (the serializer's context)."""

    def link(self, name, *args):
        return self.context["request"].build_absolute_uri(reverse(name, args=args))


# Committees and their years.


class CommitteeLinksSerializer(Linking, serializers.Serializer):
    """Where to read more of the committee: its pages, its years, its roll-up (null where no
    committee under it keeps years)."""

    pages = serializers.URLField(read_only=True)
    years = serializers.URLField(read_only=True)
    rollup = serializers.URLField(read_only=True, allow_null=True)

    def to_representation(self, committee):
        return {
            "pages": self.context["request"].build_absolute_uri(committee.get_absolute_url()),
            "years": self.link("api:years", committee.slug),
            "rollup": self.link("api:rollup_years", committee.slug)
            if committee.has_communes
            else None,
        }


class CommitteeSerializer(serializers.Serializer):
    """A party committee the token reads."""

    key = serializers.CharField(source="slug", read_only=True)
    name = serializers.CharField(read_only=True)
    superior = serializers.CharField(
        source="superior_key",
        read_only=True,
        allow_null=True,
        help_text="The key of the committee above it; null for one at the top.",
    )
    keeps_years = serializers.BooleanField(
        read_only=True,
        help_text="Whether it keeps years of its own (a province above communes may keep none).",
    )
    urls = CommitteeLinksSerializer(source="*", read_only=True)


class YearLinksSerializer(Linking, serializers.Serializer):
    pages = serializers.URLField(read_only=True)
    figures = serializers.URLField(read_only=True)

    def to_representation(self, year):
        key = year.committee.slug
        return {
            "pages": self.link("targets:dashboard", key, year.year),
            "figures": self.link("api:figures", key, year.year),
        }


class YearSerializer(serializers.Serializer):
    """One of a committee's years."""

    year = serializers.IntegerField(read_only=True)
    closed = serializers.BooleanField(
        source="is_closed",
        read_only=True,
        help_text="A closed year's figures are as filed: they change only once it is reopened.",
    )
    urls = YearLinksSerializer(source="*", read_only=True)


# A year's figures.


class AreaSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="position", read_only=True)
    name = serializers.CharField(read_only=True)


ActualsSerializer = keyed(
    "ActualsSerializer",
    "The actual at each stage of the year: six months, nine months, the estimate for the year, "
    "the full year.",
    Stage,
    lambda stage: amount(),
    lambda figure, stage: figure.actual_at(stage),
)


class AssessmentField(serializers.ChoiceField):
    """The verdict of a figure at the answer's stage (targets.progress.assess)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Assessment.choices, source="*", read_only=True, **kwargs)

    def to_representation(self, figure):
        stage, target = self.context["stage"], figure.target
        return assess(target.kind, target.direction, figure.plan, figure.actual_at(stage), stage)


class PercentField(serializers.DecimalField):
    """The percent of plan of a figure at the answer's stage (targets.progress.percent_of_plan),
    null where it has none."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=None,
            decimal_places=2,
            coerce_to_string=True,
            allow_null=True,
            source="*",
            read_only=True,
            help_text=DECIMAL,
            **kwargs,
        )

    def to_representation(self, figure):
        stage, target = self.context["stage"], figure.target
        percent = percent_of_plan(
            target.kind, target.direction, figure.plan, figure.actual_at(stage), stage
        )
        return None if percent is None else super().to_representation(percent)


class FigureSerializer(serializers.Serializer):
    """A target's figure in the year: its plan, its actual at every stage, and at the answer's
    stage its assessment and percent of plan."""

    number = serializers.IntegerField(
        source="target.position", read_only=True, help_text="The target's number (STT)."
    )
    key = serializers.CharField(source="target.slug", read_only=True)
    name = serializers.CharField(read_only=True, help_text="The target's name as the year has it.")
    unit = serializers.CharField(read_only=True)
    area = AreaSerializer(source="target.area", read_only=True)
    kind = serializers.ChoiceField(choices=Kind.choices, source="target.kind", read_only=True)
    direction = serializers.ChoiceField(
        choices=Direction.choices, source="target.direction", read_only=True
    )
    plan = amount()
    actual = ActualsSerializer(source="*", read_only=True)
    assessment = AssessmentField()
    percent = PercentField()
    illustrative = serializers.BooleanField(
        read_only=True, help_text="A made-up figure (demo and generated communes), not a real one."
    )
    last_change = serializers.DateTimeField(source="updated_at", read_only=True)


# The roll-up of a committee's communes.


class RollupYearLinksSerializer(Linking, serializers.Serializer):
    pages = serializers.URLField(read_only=True)
    rollup = serializers.URLField(read_only=True)
    completeness = serializers.URLField(read_only=True)

    def to_representation(self, year):
        key = self.context["committee"].slug
        return {
            "pages": self.link("rollup:rollup", key, year),
            "rollup": self.link("api:rollup", key, year),
            "completeness": self.link("api:completeness", key, year),
        }


class RollupYearSerializer(serializers.Serializer):
    """A year the committee's communes keep."""

    year = serializers.IntegerField(read_only=True)
    urls = RollupYearLinksSerializer(read_only=True)

    def to_representation(self, year):
        return {"year": year, "urls": self.fields["urls"].to_representation(year)}


CountsSerializer = keyed(
    "CountsSerializer",
    "How many communes are under each verdict of the stage: exceeded, met, not met, no data "
    "and no plan at the full-year stages; the level reached, no data and no plan inside the "
    "year. Only the stage's verdicts are given.",
    Assessment,
    lambda assessment: serializers.IntegerField(required=False),
    lambda counts, assessment: counts.get(assessment, OMITTED),
)


class CommuneValueSerializer(serializers.Serializer):
    """A commune's actual, with the commune's key."""

    value = amount(source="actual")
    commune = serializers.CharField(source="commune.slug", read_only=True)


class RollupSerializer(serializers.Serializer):
    """A shared target across the communes: how many track it, how many are under each verdict,
    and over those that keep it as the shared target does (kind, direction, unit) and have an
    actual: the total (for counts, money and numbers reduced), the median, the lowest and the
    highest."""

    number = serializers.IntegerField(source="target.position", read_only=True)
    key = serializers.CharField(source="target.slug", read_only=True)
    name = serializers.CharField(source="target.name", read_only=True)
    unit = serializers.CharField(source="target.unit", read_only=True)
    area = AreaSerializer(source="target.area", read_only=True)
    kind = serializers.ChoiceField(choices=Kind.choices, source="target.kind", read_only=True)
    direction = serializers.ChoiceField(
        choices=Direction.choices, source="target.direction", read_only=True
    )
    tracking = serializers.IntegerField(
        read_only=True, help_text="The communes whose year has a figure of the target."
    )
    counts = CountsSerializer(read_only=True)
    total = amount()
    median = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        coerce_to_string=True,
        allow_null=True,
        read_only=True,
        help_text=DECIMAL + " Exact: the middle of two values may have a third decimal.",
    )
    lowest = CommuneValueSerializer(read_only=True, allow_null=True)
    highest = CommuneValueSerializer(read_only=True, allow_null=True)
    illustrative = serializers.SerializerMethodField(
        help_text="Whether a commune's figure of it is made up (generated communes)."
    )

    def get_illustrative(self, shared) -> bool:
        return shared.illustrative


ReportedSerializer = keyed(
    "ReportedSerializer",
    "How many of the commune's planned figures have an actual at each stage.",
    Stage,
    lambda stage: serializers.IntegerField(read_only=True),
    lambda report, stage: report.reported.get(stage, 0),
)
StatesSerializer = keyed(
    "StatesSerializer",
    "Where the commune's reporting stands at each stage: complete (every planned figure has "
    "its actual), partial, none, or no_year (it has not set the year up).",
    Stage,
    lambda stage: serializers.ChoiceField(choices=STATES, read_only=True),
    lambda report, stage: report.state(stage),
)


class CompletenessSerializer(serializers.Serializer):
    """A commune's reporting of the year."""

    key = serializers.CharField(source="commune.slug", read_only=True)
    name = serializers.CharField(source="commune.name", read_only=True)
    keeps_year = serializers.SerializerMethodField(
        help_text="Whether the commune has set the year up."
    )
    planned = serializers.IntegerField(
        read_only=True, help_text="Its figures of the year that have a plan."
    )
    reported = ReportedSerializer(source="*", read_only=True)
    state = StatesSerializer(source="*", read_only=True)
    last_change = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_keeps_year(self, report) -> bool:
        return report.year is not None

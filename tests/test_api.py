"""The read-only JSON API (api/): who reads what with a token, what every endpoint answers, its
bounds (pages, rates, methods), its queries and its schema.

The committees are the demo's and tests/committees.py's: the province of Lào Cai above Cầu
Thia, Minh Hòa and the generated commune; beside them another province with a commune of its
own, made here. Each person's token comes from ``manage.py api_token``, as an office gets it,
and every endpoint is asked for every committee with every token: each answer is the one the
person's reach gives, and no answer names a committee the person may not read.
"""

import json
import re
from decimal import Decimal
from io import StringIO

import jsonschema
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from committees.models import Committee
from core.replica import is_marked
from targets.models import Area, Figure, Target, Year
from targets.progress import Assessment
from targets.stages import Stage

from . import committees
from .committees import CAU_THIA, LAO_CAI, MINH_HOA, SECRETARY, STAFF, SUPERUSER
from .helpers import signed_in

OTHER_PROVINCE = "tinh-khac"
OTHER_COMMUNE = "xa-khac-1"
YEAR = 2024
# Every endpoint of a committee, by the URL name it is reversed from, and whether it names the
# year.
OF_A_COMMITTEE = {
    "api:years": False,
    "api:figures": True,
    "api:rollup_years": False,
    "api:rollup": True,
    "api:completeness": True,
}
WRITES = ("post", "put", "patch", "delete")


@pytest.fixture(autouse=True)
def fresh_counts(settings, monkeypatch):
    """Each test starts with no request counted, at rates no walk reaches, on a clock that
    stands still: a throttle answers the same however long a test takes."""
    cache.clear()
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"user": "10000/minute", "anon": "10000/minute"}
    }
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: 1_000_000.0))
    yield
    cache.clear()


def token_of(user, *options):
    """The token ``manage.py api_token`` prints for ``user``."""
    out = StringIO()
    call_command("api_token", user.username, *options, stdout=out)
    return out.getvalue().strip()


def with_token(token):
    return Client(headers={"authorization": f"Token {token}"})


def office_of(committee):
    """A user of ``committee``'s office (the ward staff's role)."""
    return committees.person(committee, STAFF)


def communes_under(province, count, targets=3, prefix=None):
    """``count`` communes under ``province``, each keeping YEAR with ``targets`` targets of the
    same keys and a figure of each (plan 10, actual 8 + the commune's number at the full
    year), made in bulk."""
    prefix = prefix or f"{province.slug}-xa"
    made = []
    for number in range(1, count + 1):
        commune = Committee(
            slug=f"{prefix}-{number}", name=f"Xã {prefix} {number} (minh họa)", superior=province
        )
        commune.save()
        made.append(commune)
    years = Year.objects.bulk_create(
        Year(
            committee=commune,
            year=YEAR,
            committee_name=commune.name,
            superior_party_body=province.name,
            place_name=commune.name,
        )
        for commune in made
    )
    areas = Area.objects.bulk_create(
        Area(committee=commune, position=1, name="Kinh tế") for commune in made
    )
    shared = Target.objects.bulk_create(
        Target(
            committee=commune,
            area=area,
            position=position,
            slug=f"chi-tieu-{position}",
            name=f"Chỉ tiêu {position}",
            unit="hộ",
            kind="count",
            direction="higher",
        )
        for commune, area in zip(made, areas, strict=True)
        for position in range(1, targets + 1)
    )
    year_of = {year.committee_id: year for year in years}
    number_of = {commune.pk: n for n, commune in enumerate(made, start=1)}
    Figure.objects.bulk_create(
        Figure(
            target=target,
            year=year_of[target.committee_id],
            plan=Decimal(10),
            actual=Decimal(8 + number_of[target.committee_id]),
            illustrative=True,
        )
        for target in shared
    )
    return made


@pytest.fixture
def people(demo):
    """Everyone of tests/committees.py, and the other province's office with its commune's."""
    found = committees.build()
    province = Committee.objects.create(slug=OTHER_PROVINCE, name="Đảng bộ tỉnh Khác (minh họa)")
    (commune,) = communes_under(province, 1, prefix="xa-khac")
    for committee in (province, commune):
        found[committee.slug, STAFF] = committees.Person(
            committee.slug, STAFF, office_of(committee)
        )
    return found


def chain_up(committee):
    """The keys of ``committee`` and of every committee above it."""
    chain = []
    while committee is not None:
        chain.append(committee.slug)
        committee = committee.superior
    return chain


def reach(person):
    """The keys of the committees ``person`` reads, found by walking the tree from each
    committee up (not by the API's own rule): a superuser every one; anyone their own; office
    staff also every committee under theirs."""
    found = set()
    for committee in Committee.objects.all():
        chain = chain_up(committee)
        own = person.role == SUPERUSER or committee.slug == person.committee
        if own or (person.role == STAFF and person.committee in chain[1:]):
            found.add(committee.slug)
    return found


def may_name(person):
    """The committees an answer to ``person`` may name: those they read, and by key those above
    their own (a committee's superior), as the pages do."""
    if person.committee is None:
        return reach(person)
    return reach(person) | set(chain_up(Committee.objects.get(slug=person.committee)))


def keeps(key, number=None):
    """Whether the committee keyed ``key`` keeps years (the year ``number``)."""
    years = Year.objects.filter(committee__slug=key)
    return years.filter(year=number).exists() if number else years.exists()


def communes_keep(key, number=None):
    """Whether a committee under the one keyed ``key`` keeps years (the year ``number``)."""
    lineage = Committee.objects.get(slug=key).lineage
    years = Year.objects.filter(committee__lineage__startswith=lineage).exclude(committee__slug=key)
    return years.filter(year=number).exists() if number else years.exists()


def address(name, key, number=YEAR):
    args = [key, number] if OF_A_COMMITTEE.get(name) else [key]
    return reverse(name, args=args)


def found_answer(name, key):
    """What a person who reads the committee keyed ``key`` is answered at ``name``."""
    there = {
        "api:years": True,
        "api:figures": keeps(key, YEAR),
        "api:rollup_years": communes_keep(key),
        "api:rollup": communes_keep(key, YEAR),
        "api:completeness": communes_keep(key, YEAR),
    }[name]
    return 200 if there else 404


def named_outside(body, reached):
    """The keys and names of the committees outside ``reached`` that ``body`` names."""
    text = body.decode()
    named = []
    for key, name in Committee.objects.exclude(slug__in=reached).values_list("slug", "name"):
        if re.search(rf"(?<![a-z0-9-]){re.escape(key)}(?![a-z0-9-])", text) or name in text:
            named.append(key)
    return named


PEOPLE = [
    (CAU_THIA, STAFF),
    (LAO_CAI, STAFF),
    (OTHER_PROVINCE, STAFF),
    (OTHER_COMMUNE, STAFF),
    (CAU_THIA, SECRETARY),
    (None, SUPERUSER),
]


@pytest.mark.parametrize("who", PEOPLE, ids=lambda who: f"{who[1]}-of-{who[0]}")
def test_every_endpoint_answers_each_token_as_its_user_may_read(people, who):
    person = people[who]
    if person.role == SECRETARY:
        # The command gives no token to a user the API would refuse; one made otherwise (in an
        # earlier role) is refused at every endpoint.
        client = with_token(Token.objects.create(user=person.user).key)
    else:
        client = with_token(token_of(person.user))
    reached = reach(person)
    keys = list(Committee.objects.values_list("slug", flat=True))
    asked = 0
    listed = client.get(reverse("api:committees"), {"page_size": 200})
    if person.role == SECRETARY:
        assert listed.status_code == 403
    else:
        assert listed.status_code == 200
        assert {row["key"] for row in listed.json()["results"]} == reached
        assert named_outside(listed.content, may_name(person)) == []
    for key in keys:
        for name in OF_A_COMMITTEE:
            response = client.get(address(name, key), {"page_size": 200})
            asked += 1
            if person.role == SECRETARY:
                expected = 403
            elif key not in reached:
                expected = 404
            else:
                expected = found_answer(name, key)
            assert response.status_code == expected, (name, key)
            assert named_outside(response.content, may_name(person)) == [], (name, key)
    assert asked == len(keys) * len(OF_A_COMMITTEE) >= 30


def test_without_a_token_or_with_a_wrong_one_every_endpoint_asks_for_one(people):
    wrong = with_token("0" * 40)
    for client in (Client(), wrong):
        for url in [reverse("api:committees")] + [
            address(name, CAU_THIA) for name in OF_A_COMMITTEE
        ]:
            response = client.get(url)
            assert response.status_code == 401, url
            assert response.json()["detail"] in (
                "Đồng chí chưa gửi mã truy cập (token) hoặc chưa đăng nhập.",
                "Mã truy cập (token) không đúng.",
            )
            assert response["WWW-Authenticate"] == "Token"
            assert named_outside(response.content, set()) == []


def test_every_endpoint_answers_get_head_and_options_and_refuses_every_write(people):
    office = with_token(token_of(people[LAO_CAI, STAFF].user))
    urls = [reverse("api:committees")] + [address(name, LAO_CAI) for name in OF_A_COMMITTEE]
    before = Figure.objects.filter(year__committee__slug=CAU_THIA).values_list("plan", "actual")
    before = sorted(before, key=str)
    for url in urls:
        assert office.get(url).status_code == 200, url
        assert office.head(url).status_code == 200, url
        assert office.options(url).status_code == 200, url
        for method in WRITES:
            for client in (office, Client()):
                response = getattr(client, method)(
                    url, {"plan": "1"}, content_type="application/json"
                )
                assert response.status_code == 405, (method, url)
    after = Figure.objects.filter(year__committee__slug=CAU_THIA).values_list("plan", "actual")
    assert sorted(after, key=str) == before


def test_the_figures_of_a_year_are_the_committees_own_at_the_stage_asked(people):
    office = with_token(token_of(people[CAU_THIA, STAFF].user))
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    figure = year.figures.select_related("target").get(target__slug="bao-hiem-y-te")
    body = office.get(address("api:figures", CAU_THIA, 2023), {"page_size": 200}).json()
    assert body["stage"] == Stage.FINAL.value
    assert body["count"] == year.figures.count() == len(body["results"])
    assert [row["key"] for row in body["results"]] == list(
        year.figures.order_by("target__area__position", "target__position").values_list(
            "target__slug", flat=True
        )
    )
    (row,) = [row for row in body["results"] if row["key"] == "bao-hiem-y-te"]
    assert row["number"] == figure.target.position
    assert row["plan"] == f"{figure.plan:.2f}" and isinstance(row["plan"], str)
    assert row["actual"][Stage.FINAL.value] == f"{figure.actual_at(Stage.FINAL):.2f}"
    assert set(row["actual"]) == set(Stage.values)
    assert row["assessment"] in Assessment.values
    # The article's 95,77/96 % of BHYT: below plan, its percent 99,76.
    assert (row["plan"], row["actual"][Stage.FINAL.value]) == ("96.00", "95.77")
    assert (row["assessment"], row["percent"]) == (Assessment.NOT_MET.value, "99.76")
    inside = next(stage for stage in Stage if stage.within_year)
    at_half = office.get(address("api:figures", CAU_THIA, 2023), {"stage": inside.value})
    assert at_half.json()["stage"] == inside.value
    assert {row["assessment"] for row in at_half.json()["results"]} <= {
        Assessment.REACHED.value,
        Assessment.NO_DATA.value,
        Assessment.NO_PLAN.value,
    }
    refused = office.get(address("api:figures", CAU_THIA, 2023), {"stage": "ca-nam"})
    assert refused.status_code == 400 and "stage" in refused.json()


def test_the_rollup_counts_the_communes_and_names_them_by_key(people):
    province = Committee.objects.create(slug="tinh-dem", name="Tỉnh đếm (minh họa)")
    office = with_token(token_of(office_of(province)))
    communes_under(province, 3, targets=2)
    body = office.get(address("api:rollup", province.slug), {"stage": Stage.FINAL.value}).json()
    assert body["count"] == 2 and body["stage"] == Stage.FINAL.value
    first = body["results"][0]
    assert (first["key"], first["number"], first["tracking"]) == ("chi-tieu-1", 1, 3)
    # Plans of 10, actuals of 9, 10 and 11: one below, one at, one above plan.
    assert first["counts"] == {
        Assessment.EXCEEDED.value: 1,
        Assessment.MET.value: 1,
        Assessment.NOT_MET.value: 1,
        Assessment.NO_DATA.value: 0,
        Assessment.NO_PLAN.value: 0,
    }
    assert (first["total"], first["median"]) == ("30.00", "10.00")
    assert first["lowest"] == {"value": "9.00", "commune": "tinh-dem-xa-1"}
    assert first["highest"] == {"value": "11.00", "commune": "tinh-dem-xa-3"}
    assert first["illustrative"] is True
    reporting = office.get(address("api:completeness", province.slug)).json()
    assert [row["key"] for row in reporting["results"]] == [f"tinh-dem-xa-{n}" for n in (1, 2, 3)]
    row = reporting["results"][0]
    assert row["keeps_year"] and row["planned"] == 2
    assert row["reported"][Stage.FINAL.value] == 2 and row["state"][Stage.FINAL.value] == "complete"
    years = office.get(address("api:rollup_years", province.slug)).json()
    assert [row["year"] for row in years["results"]] == [YEAR]
    assert years["results"][0]["urls"]["rollup"].endswith(address("api:rollup", province.slug))
    assert office.get(address("api:rollup", province.slug, YEAR - 1)).status_code == 404


def test_pages_are_bounded(people):
    province = Committee.objects.create(slug="tinh-lon", name="Tỉnh lớn (minh họa)")
    office = with_token(token_of(office_of(province)))
    (commune,) = communes_under(province, 1, targets=210)
    url = address("api:figures", commune.slug)
    default = office.get(url).json()
    assert (default["count"], len(default["results"])) == (210, 50)
    capped = office.get(url, {"page_size": 100000}).json()
    assert len(capped["results"]) == 200 and capped["next"].endswith("page=2&page_size=100000")
    last = office.get(url, {"page_size": 100000, "page": 2}).json()
    assert (len(last["results"]), last["next"]) == (10, None)
    for size in ("0", "-5", "tất cả"):
        assert len(office.get(url, {"page_size": size}).json()["results"]) == 50
    assert office.get(url, {"page": 6}).status_code == 404
    assert office.get(url, {"page": "cuối"}).status_code == 404
    rollup = office.get(address("api:rollup", province.slug), {"page_size": 3}).json()
    assert (rollup["count"], [row["number"] for row in rollup["results"]]) == (210, [1, 2, 3])


def test_requests_beyond_the_rate_are_refused_until_the_next_period(people, settings, monkeypatch):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"}
    }
    office = with_token(token_of(people[CAU_THIA, STAFF].user))
    other = with_token(token_of(people[MINH_HOA, STAFF].user))
    url = reverse("api:committees")
    assert [office.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = office.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 60
    assert refused.json()["detail"].startswith("Đồng chí đã gửi quá nhiều yêu cầu")
    assert other.get(url).status_code == 200  # each user counts their own
    schema = reverse("api:schema")
    assert [Client().get(schema).status_code for _ in range(3)] == [200, 200, 429]
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: 1_000_061.0))
    assert office.get(url).status_code == 200


def test_a_signed_in_office_reads_the_api_in_the_browser_and_a_secretary_does_not(people):
    office = signed_in(people[LAO_CAI, STAFF].user)
    page = office.get(reverse("api:committees"), HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Đảng bộ xã Minh Hòa" in page.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", page.content.decode())
    assert scripts and all("src=" in tag or "application/json" in tag for tag in scripts)
    assert office.get(address("api:rollup", LAO_CAI)).status_code == 200
    assert "no-store" in office.get(reverse("api:committees"))["Cache-Control"]
    secretary = signed_in(people[CAU_THIA, SECRETARY].user)
    refused = secretary.get(reverse("api:committees"), HTTP_ACCEPT="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "API chỉ dành cho văn phòng đảng ủy của đảng bộ."


def test_the_token_command_makes_a_token_once_and_replaces_it_when_asked(people):
    user = people[LAO_CAI, STAFF].user
    first = token_of(user)
    assert re.fullmatch(r"[0-9a-f]{40}", first) and token_of(user) == first
    second = token_of(user, "--rotate")
    assert second != first
    assert with_token(first).get(reverse("api:committees")).status_code == 401
    assert with_token(second).get(reverse("api:committees")).status_code == 200
    with pytest.raises(CommandError, match="office"):
        token_of(people[CAU_THIA, SECRETARY].user)
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "khong-co-ai", stdout=StringIO())


def test_no_page_of_the_admin_shows_or_makes_tokens(people):
    token_of(people[LAO_CAI, STAFF].user)
    for who in ((None, SUPERUSER), (LAO_CAI, STAFF)):
        client = signed_in(people[who].user)
        index = client.get(reverse("admin:index"))
        assert index.status_code == 200 and "authtoken" not in index.content.decode()
        assert client.get("/admin/authtoken/tokenproxy/").status_code == 404


def test_every_read_of_the_api_may_go_to_the_replica(demo):
    urls = [reverse("api:committees")] + [address(name, LAO_CAI) for name in OF_A_COMMITTEE]
    assert all(is_marked(resolve(url).func) for url in urls)
    assert not is_marked(resolve(reverse("api:schema")).func)  # it reads no table


# Queries: the same whatever the number of communes and figures.


def queries_of(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(queries)


def test_every_endpoint_costs_the_same_queries_at_2_and_20_communes(people):
    counted = {}
    for size in (2, 20):
        province = Committee.objects.create(slug=f"tinh-{size}", name=f"Tỉnh {size} (minh họa)")
        communes = communes_under(province, size, targets=size)
        office = with_token(token_of(office_of(province)))
        commune = communes[0]
        counted[size] = {
            "committees": queries_of(office, reverse("api:committees")),
            "years": queries_of(office, address("api:years", commune.slug)),
            "figures": queries_of(office, address("api:figures", commune.slug)),
            "rollup years": queries_of(office, address("api:rollup_years", province.slug)),
            "rollup": queries_of(office, address("api:rollup", province.slug)),
            "completeness": queries_of(office, address("api:completeness", province.slug)),
        }
    assert counted[2] == counted[20], counted
    assert max(counted[20].values()) <= 12, counted


# The schema, and every answer against it.


def openapi_to_json_schema(node):
    """An OpenAPI 3.0 schema as a JSON Schema that refuses a field the schema does not declare:
    ``nullable`` as a choice of null, every object closed to other properties."""
    if isinstance(node, list):
        return [openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: openapi_to_json_schema(value) for key, value in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def operation_schema(schema, url):
    """The declared JSON body of a 200 answer to GET ``url``."""
    for path, item in schema["paths"].items():
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path))
        if re.fullmatch(pattern, url):
            declared = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            return {**declared, "components": schema["components"]}
    raise LookupError(url)


def test_the_schema_is_valid_openapi_and_published_without_a_token(people):
    generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)
    published = Client().get(reverse("api:schema"), {"format": "json"})
    assert published.status_code == 200
    schema = json.loads(published.content)
    validate_schema(schema)
    assert set(schema["paths"]) == {
        "/api/v1/committees/",
        "/api/v1/committees/{key}/years/",
        "/api/v1/committees/{key}/years/{year}/figures/",
        "/api/v1/committees/{key}/rollup/",
        "/api/v1/committees/{key}/rollup/{year}/",
        "/api/v1/committees/{key}/rollup/{year}/completeness/",
    }
    amount = schema["components"]["schemas"]["Figure"]["properties"]["plan"]
    assert (amount["type"], amount["format"]) == ("string", "decimal")
    assert "decimal as a string" in amount["description"]
    assert "strings" in schema["info"]["description"]


def test_every_answer_has_the_fields_the_schema_declares_and_no_other(people):
    schema = json.loads(Client().get(reverse("api:schema"), {"format": "json"}).content)
    office = with_token(token_of(people[LAO_CAI, STAFF].user))
    inside = next(stage for stage in Stage if stage.within_year)
    asked = [
        (reverse("api:committees"), {}),
        (address("api:years", CAU_THIA), {}),
        (address("api:figures", CAU_THIA, 2023), {}),
        (address("api:figures", CAU_THIA), {"stage": inside.value}),
        (address("api:rollup_years", LAO_CAI), {}),
        (address("api:rollup", LAO_CAI), {}),
        (address("api:rollup", LAO_CAI), {"stage": inside.value}),
        (address("api:completeness", LAO_CAI), {}),
    ]
    for url, params in asked:
        response = office.get(url, params | {"page_size": 200})
        assert response.status_code == 200, url
        body = response.json()
        assert body["results"], url
        jsonschema.validate(body, openapi_to_json_schema(operation_schema(schema, url)))
    wrong = {"count": 1, "next": None, "previous": None, "results": [{"key": "x", "extra": 1}]}
    with pytest.raises(jsonschema.ValidationError):
        declared = operation_schema(schema, reverse("api:committees"))
        jsonschema.validate(wrong, openapi_to_json_schema(declared))

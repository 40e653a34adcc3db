"""The roll-up of communes at the size of a province and of the nation: PostgreSQL only.

The throwaway database is grown with generate_nation (the demo's targets, ten years, three
cells a commune) to each size of ``--sizes`` in turn (communes: 1, 100 and 3.300, the nation's
size since 2025, by default), in provinces of 100 communes under one national committee. At
each size, in-process (django.test.Client) and warm, as the office of each committee reads its
pages, in the latest year:

- queries of a commune's pages (dashboard, target page, grid, cells overview, as its office)
  and of its province's roll-up pages (the roll-up, completeness, a target's communes, as the
  province's office): the same at every size, or a page's queries grow with the country
  (``ratio queries large/small``, 1 when every page is constant);
- the province's roll-up and completeness pages against the commune's dashboard, medians of
  ``--rounds`` rounds each starting with another page (``ratio rollup/dashboard``, target 2 or
  less, with a province of 100 communes);
- the national roll-up of one target, every commune's figure of it: the national committee's
  roll-up target page as its office reads it, and rollup.counting.rollup() alone (target: the
  page within 1 s);
- the database's size (pg_database_size).

Pages are named by their URL names; a page the checkout does not have yet is reported as such
and the rest measured.

python -m bench.rollup                      # 1, 100 and 3.300 communes
python -m bench.rollup --sizes 1 100        # a shorter run
"""

import argparse
import math
import os
import sys
import time
from urllib.parse import urlsplit

from bench import common
from bench.common import median, ms, num, say, verdict

TEMPLATE = "cau-thia"
PROVINCE_SIZE = 100  # communes in a province of the benchmark
SIZES = [1, 100, 3300]
TARGET = "bao-hiem-y-te"  # a target every commune keeps (the first commune retires none)
NATION = "toan-quoc-minh-hoa"
PROVINCE = "tinh-minh-hoa-1"
COMMUNE = "xa-minh-hoa-1-1"
WARM_UP = 3
MAX_RATIO = 2.0  # the roll-up's and completeness' median time over the dashboard's
MAX_NATIONAL = 1.0  # seconds: the national roll-up of one target


def pages(year):
    """[(page, committee whose office reads it, URL name, its arguments)] of the benchmark."""
    commune = {"committee": COMMUNE, "year": year}
    province = {"committee": PROVINCE, "year": year}
    return [
        ("dashboard", COMMUNE, "targets:dashboard", commune),
        ("target", COMMUNE, "targets:target", commune | {"slug": TARGET}),
        ("grid", COMMUNE, "targets:grid", commune),
        ("cells", COMMUNE, "cells:overview", commune),
        ("rollup", PROVINCE, "rollup:rollup", province),
        ("completeness", PROVINCE, "rollup:completeness", province),
        ("rollup target", PROVINCE, "rollup:target", province | {"target": TARGET}),
    ]


def office(bench, committee):
    """A client signed in as the office account generate_nation gave ``committee``."""
    return bench.client(f"{committee}-vp")


def address(name, kwargs):
    """The page's address, or None where the checkout has no page of that name yet."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def answered(client, url):
    """(queries, seconds) of one warm request, or None when the page does not answer 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        seconds, response = common.timed(client.get, url)
    if response.status_code != 200:
        say(f"{url} answered", response.status_code)
        return None
    return len(queries), seconds


def grow(size):
    """generate_nation to ``size`` communes in provinces of PROVINCE_SIZE; its time."""
    from django.core.management import call_command
    from django.db import connection

    provinces = math.ceil(size / PROVINCE_SIZE)
    seconds, _ = common.timed(
        call_command,
        "generate_nation",
        communes=size,
        provinces=provinces,
        template=TEMPLATE,
        verbosity=0,
    )
    say(f"generate_nation --communes {size} --provinces {provinces}", f"{num(seconds, 1)} s")
    with connection.cursor() as cursor:
        seconds, _ = common.timed(cursor.execute, "ANALYZE")
    say("analyze (as autovacuum would after a load)", f"{num(seconds, 1)} s")


def database_size():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def medians(urls, clients, rounds):
    """{page: median seconds} over ``rounds`` rounds, each starting one page further on."""
    for page, url in urls.items():
        for _ in range(WARM_UP):
            clients[page].get(url)
    times = {page: [] for page in urls}
    order = list(urls)
    for round_ in range(rounds):
        shift = round_ % len(order)
        for page in order[shift:] + order[:shift]:
            start = time.perf_counter()
            clients[page].get(urls[page])
            times[page].append(time.perf_counter() - start)
    return {page: median(seconds) for page, seconds in times.items()}


def national(bench, year, size, rounds):
    """The national roll-up of one target: its page's median and counting's alone."""
    from committees.models import Committee
    from rollup.counting import rollup, shared_targets
    from targets.stages import Stage

    nation = Committee.objects.get(slug=NATION)
    url = address("rollup:target", {"committee": NATION, "year": year, "target": TARGET})
    if url is not None:
        client = office(bench, NATION)
        if answered(client, url) is not None:
            spent = medians({"national": url}, {"national": client}, rounds)["national"]
            say(f"national rollup target page median {size}", ms(spent))
            shown = f"{verdict(spent, MAX_NATIONAL)} (target ≤ 1 s)"
            say(f"national rollup target page {size}", shown)
    targets = [t for t in shared_targets(nation) if t.slug == TARGET]
    times = [common.timed(rollup, nation, year, Stage.FINAL, targets=targets) for _ in range(3)]
    (found,) = times[-1][1]
    say(f"national rollup communes {size}", found.tracking)
    say(f"national rollup counting median {size}", ms(median(seconds for seconds, _ in times)))


def measure(bench, size, rounds):
    """{page: queries} at ``size`` communes, each page's and the ratios' times said."""
    from targets.models import Year

    year = Year.objects.filter(committee__slug=COMMUNE).order_by("-year").first().year
    counts, urls, clients = {}, {}, {}
    for page, committee, name, kwargs in pages(year):
        url = address(name, kwargs)
        client = office(bench, committee)
        result = answered(client, url) if url else None
        if result is None:
            say(f"page {page}", f"not measured ({name} {'fails' if url else 'not there yet'})")
            continue
        counts[page], urls[page], clients[page] = result[0], url, client
        say(f"queries {page} {size}", result[0])
    timed = {page: urls[page] for page in ("dashboard", "rollup", "completeness") if page in urls}
    spent = medians(timed, clients, rounds)
    for page, seconds in spent.items():
        say(f"{page} median {size}", ms(seconds))
    for page in ("rollup", "completeness"):
        if page in spent and "dashboard" in spent:
            ratio = spent[page] / spent["dashboard"]
            shown = f"{num(ratio)} {verdict(ratio, MAX_RATIO)} (target ≤ {num(MAX_RATIO, 1)})"
            say(f"ratio {page}/dashboard {size}", shown)
    national(bench, year, size, max(rounds // 4, 3))
    say(f"database size {size}", f"{num(database_size() / 1024**2, 1)} MB")
    return counts


def run(bench, sizes=SIZES, rounds=20):
    counts = {}
    for size in sorted(sizes):
        grow(size)
        counts[size] = measure(bench, size, rounds)
    small, large = counts[min(sizes)], counts[max(sizes)]
    ratios = [large[page] / small[page] for page in small if page in large]
    if ratios:
        say("ratio queries large/small", num(max(ratios)))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.rollup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=SIZES, help="communes (default 1 100 3300)"
    )
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    if urlsplit(os.environ.get("DATABASE_URL", "")).scheme not in {"postgres", "postgresql"}:
        say("rollup", "skipped: PostgreSQL only (set DATABASE_URL=postgres://…)")
        return 0
    with common.throwaway() as bench:
        run(bench, sizes=args.sizes, rounds=args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())

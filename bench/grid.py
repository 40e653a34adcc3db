"""The year's grid against the dashboard of the same year, and the cost of saving rows on it.

As the ward secretary (ward staff), on 2024, the demo's year still being entered:

- pages: the grid at six months (/2024/grid/?stage=half) and at the estimate
  (?stage=estimate) against the dashboard (/2024/), in-process (django.test.Client, no
  network) and warm, as bench/dashboard.py measures: a few requests of each first, then
  ``--rounds`` rounds, each starting with a different page. Each page's median server time, the
  ratio grid/dashboard (target: 2 or less) and the weight of its HTML (target for the grid at 40
  targets: 80 KB or less), each with PASS or OVER beside it.
- saving: at 40 and 400 targets (the demo, then generate_ward --scale 10), the grid at six
  months read back as a browser would post it (tests/helpers.py's form reader), the six-month
  actual of the first N rows changed, and the form posted: the POST's time and its queries
  (CaptureQueriesContext), for N = 10 and N = every row. ``queries per saved row`` is the
  POST's count over N; ``queries per extra row`` the difference between the two counts over
  the difference in rows, what one more changed row costs.

The rows and their inputs are found by name (an input ending in "-actual_half", not a hidden
initial), never by column. ``ratio queries per extra row 400/40`` closes the run: 1 when a
saved row costs the same whatever the year's size.
"""

import argparse
import re
import sys
import time

from bench import common
from bench.common import kb, median, ms, num, say, verdict

YEAR = 2024
STAGES = ["half", "estimate"]
WARM_UP = 5
MAX_RATIO = 2.0  # the grid's median time over the dashboard's
MAX_KB = 80  # the grid's HTML at 40 targets
SIZES = [(1, 40), (10, 400)]  # (generate_ward scale, targets of the year)
FEW = 10  # the smaller number of rows changed in one save
REPEATS = {40: 5, 400: 3}


def grid_url(stage):
    return f"/cau-thia/{YEAR}/grid/?stage={stage}"


def get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response


def posted_form(response):
    """What the browser would post from the grid's form, every value as the page shows it."""
    from tests.helpers import form_data

    try:
        return form_data(response, {"class": "grid-form"})
    except AssertionError:
        return form_data(response)  # the page's only POST form, whatever its class


def stage_inputs(data, stage):
    """The names of the inputs of ``stage``'s actual, one a row, in the order of the page."""
    from targets.stages import Stage

    suffix = f"-{Stage(stage).field}"
    return [name for name in data if name.endswith(suffix) and not name.startswith("initial-")]


def nudged(value):
    """Another value the same input accepts, never one the page would question as a slip
    (above the plan's or last year's multiple, a rate above 100%): a number one less, down to
    0, then none, then 0 again. A milestone's answer ("1", "0" or none) takes the same path."""
    from targets.numbers import format_number, parse_number

    if value == "":
        return "0"
    number = parse_number(value)
    if number == 0:
        return ""
    return format_number(max(number - 1, 0))


def pages(bench, rounds):
    """Median times and HTML weights of the dashboard and the grid at each stage."""
    client = bench.client()
    urls = {"dashboard": f"/cau-thia/{YEAR}/"} | {
        f"grid {stage}": grid_url(stage) for stage in STAGES
    }
    for url in urls.values():
        for _ in range(WARM_UP):
            get(client, url)
    times = {name: [] for name in urls}
    order = list(urls)
    for round_ in range(rounds):
        shift = round_ % len(order)
        for name in order[shift:] + order[:shift]:
            start = time.perf_counter()
            get(client, urls[name])
            times[name].append(time.perf_counter() - start)
    say("rounds", rounds)
    medians = {name: median(values) for name, values in times.items()}
    for name in urls:
        ordered = sorted(times[name])
        say(f"{name} median", ms(medians[name]))
        say(f"{name} p90", ms(ordered[int(len(ordered) * 0.9) - 1]))
    for stage in STAGES:
        ratio = medians[f"grid {stage}"] / medians["dashboard"]
        say(
            f"ratio grid/dashboard {stage}",
            f"{num(ratio)} {verdict(ratio, MAX_RATIO)} (target ≤ {num(MAX_RATIO, 1)})",
        )
    for name, url in urls.items():
        size = len(get(client, url).content)
        target = f" {verdict(size / 1024, MAX_KB)} (target ≤ {MAX_KB} KB)" if "grid" in name else ""
        say(f"weight {name} html", f"{kb(size)}{target}")


def save_once(client, rows):
    """(seconds, queries) of one save of the grid at six months with ``rows`` rows changed;
    and the seconds of the GET that gave the form."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from targets.models import FigureChange
    from tests.helpers import plain_text

    url = grid_url("half")
    shown, response = common.timed(get, client, url)
    data = posted_form(response)
    names = stage_inputs(data, "half")
    if len(names) < rows:
        raise RuntimeError(f"the grid shows {len(names)} six-month inputs, {rows} wanted")
    for name in names[:rows]:
        data[name] = nudged(data[name])
    changes = FigureChange.objects.count()
    reset_queries()  # the log keeps at most 9000 queries; a count needs them all
    with CaptureQueriesContext(connection) as queries:
        seconds, response = common.timed(client.post, url, data)
    if response.status_code != 302:
        alerts = re.findall(r'role="alert"[^>]*>(.*?)</(?:div|p)>', response.content.decode(), re.S)
        raise RuntimeError(
            f"saving {rows} rows answered {response.status_code}, not a redirect: "
            + " / ".join(plain_text(alert) for alert in alerts[:3])
        )
    if FigureChange.objects.count() - changes != rows:
        raise RuntimeError(f"saving {rows} rows recorded {FigureChange.objects.count() - changes}")
    return seconds, len(queries), shown


def saving(bench):
    """Time and queries of a save of FEW rows and of every row, at each size."""
    from targets.models import Figure

    client = bench.client()
    extra = {}
    for scale, targets in SIZES:
        if scale > 1:
            bench.generate(scale)
        if Figure.objects.filter(year__year=YEAR).count() != targets:
            raise RuntimeError(f"{YEAR} does not have {targets} figures")
        if scale == 1:
            save_once(client, FEW)  # warm: the forms, the statements, the translations
        counts, shown = {}, []
        for rows in (FEW, targets):
            results = [save_once(client, rows) for _ in range(REPEATS[targets])]
            counts[rows] = max(queries for _s, queries, _g in results)
            shown += [seconds for _s, _q, seconds in results]
            say(f"save {rows} of {targets} rows", ms(median([s for s, _q, _g in results])))
            say(f"queries save {rows} of {targets} rows", counts[rows])
            say(f"queries per saved row {rows} of {targets} rows", num(counts[rows] / rows))
        extra[targets] = (counts[targets] - counts[FEW]) / (targets - FEW)
        say(f"queries per extra row at {targets} rows", num(extra[targets]))
        say(f"grid half median at {targets} targets", ms(median(shown)))
        say(
            f"weight grid half html at {targets} targets",
            kb(len(get(client, grid_url("half")).content)),
        )
    small, large = min(extra), max(extra)
    say(f"ratio queries per extra row {large}/{small}", num(extra[large] / extra[small]))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.grid",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args(argv)
    with common.throwaway() as bench:
        pages(bench, args.rounds)
        saving(bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""SQL queries of every page at the demo's size, then 10 and 100 times its size.

A page whose query count does not move with the data has no N+1: the closing line
``ratio queries large/small`` is the largest count at 100× over the count at the demo's size,
exactly 1 when every page is constant. Each page is requested once to warm up, then counted
(and timed, once, as a rough hint of where large data costs time) as the ward secretary.
"""

import sys

from bench import common
from bench.common import num, say

PAGES = [
    ("dashboard", "/cau-thia/2023/"),
    ("target", "/cau-thia/2023/targets/bao-hiem-y-te/"),
    ("edit", "/cau-thia/2023/targets/bao-hiem-y-te/edit/"),
    ("cells", "/cau-thia/2023/cells/"),
    ("cell", "/cau-thia/2023/cells/2/"),
    ("print", "/cau-thia/2023/report/"),
    ("workbook", "/cau-thia/2023/report.xlsx"),
]
SIZES = [("demo", 1), ("10x", 10), ("100x", 100)]


def measure(client, url):
    """(queries, seconds) of one warm request; a page that does not answer 200 stops the run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        seconds, response = common.timed(client.get, url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries), seconds


def run(bench, sizes=SIZES):
    client = bench.client()
    counts = {}
    for size, scale in sizes:
        if scale > 1:
            bench.generate(scale)
        for page, url in PAGES:
            queries, seconds = measure(client, url)
            counts[page, size] = queries
            say(f"queries {page} {size}", queries)
            say(f"time {page} {size}", common.ms(seconds))
    small, large = sizes[0][0], sizes[-1][0]
    ratio = max(counts[page, large] / counts[page, small] for page, _url in PAGES)
    say("ratio queries large/small", num(ratio))
    return ratio


def main(argv=None):
    return common.run_alone(run, "queries", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())

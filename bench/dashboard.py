"""Server time of the 2023 dashboard against the Django admin's list of the same figures.

In-process (django.test.Client, no network), warm: a few requests of each page first, then
``--rounds`` rounds alternating which page goes first, as the same signed-in ward secretary.
The admin's changelist of a year's figures (/admin/targets/figure/?year__id__exact=…) is the
yardstick of a plain Django list page; ``ratio dashboard/admin`` is the dashboard's median over
the admin's, 1 or less when the dashboard is no slower.
"""

import argparse
import gzip
import re
import sys
import time
from pathlib import Path

from bench import common
from bench.common import median, ms, num, say

WARM_UP = 5


def admin_url(year):
    return f"/admin/targets/figure/?year__id__exact={year.pk}"


def signed_in_client(bench, url):
    """The ward secretary's client; made superuser for this run if the admin refuses them."""
    client = bench.client()
    status = client.get(url).status_code
    if status != 200:
        user = bench.user()
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
        say("admin refused the ward secretary", f"{status}, made superuser for the run")
        client = bench.client()
        status = client.get(url).status_code
        if status != 200:
            raise RuntimeError(f"{url} answered {status} even to a superuser")
    return client


def run(bench, rounds=200, scale=1):
    from targets.models import Figure, Year

    if scale > 1:
        bench.generate(scale)
    year = Year.objects.get(committee__slug="cau-thia", year=2023)
    pages = {"dashboard": f"/cau-thia/{year.year}/", "admin": admin_url(year)}
    client = signed_in_client(bench, pages["admin"])
    for url in pages.values():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        for _ in range(WARM_UP):
            client.get(url)
    figures = Figure.objects.filter(year=year).count()
    say("figures of 2023", figures)
    say("admin rows shown", min(figures, 100))  # the changelist pages by 100
    times = {name: [] for name in pages}
    order = list(pages)
    for round_ in range(rounds):
        for name in order if round_ % 2 == 0 else reversed(order):
            start = time.perf_counter()
            response = client.get(pages[name])
            times[name].append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{pages[name]} answered {response.status_code}")
    say("rounds", rounds)
    for name in pages:
        ordered = sorted(times[name])
        say(f"{name} median", ms(median(ordered)))
        say(f"{name} p90", ms(ordered[int(len(ordered) * 0.9) - 1]))
    page_weight(client.get(pages["dashboard"]).content.decode())
    ratio = median(times["dashboard"]) / median(times["admin"])
    say("ratio dashboard/admin", num(ratio))
    return ratio


def page_weight(html):
    """What a browser downloads for the dashboard: the page and every asset it links, as
    collected (hashed names), uncompressed and gzipped; and how many other hosts it names."""
    from django.conf import settings

    static = "/" + settings.STATIC_URL.lstrip("/")
    assets = re.findall(r'<(?:link|script|img)\b[^>]*(?:href|src)="([^"]+)"', html)
    local = [url for url in assets if url.startswith(static)]
    external = re.findall(r'(?:href|src)="(?:https?:)?//([^/"]+)', html)
    sizes = {"html": len(html.encode())}
    gzipped = {"html": len(gzip.compress(html.encode()))}
    root = Path(settings.STATIC_ROOT)
    for url in local:
        path = root / url.removeprefix(static)
        kind = {".css": "css", ".js": "js"}.get(path.suffix, "fonts and images")
        body = path.read_bytes()
        sizes[kind] = sizes.get(kind, 0) + len(body)
        gzipped[kind] = gzipped.get(kind, 0) + len(gzip.compress(body))
        for font in re.findall(rb"url\(([^)]+)\)", body):
            say("asset named in css", font.decode())
    for kind, size in sizes.items():
        say(f"weight {kind}", f"{num(size / 1024)} KB ({num(gzipped[kind] / 1024)} KB gzipped)")
    say("weight total", f"{num(sum(sizes.values()) / 1024)} KB")
    say("assets from other hosts", len(external))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--scale", type=int, default=1, help="grow the ward first (generate_ward)")
    args = parser.parse_args(argv)
    with common.throwaway() as bench:
        run(bench, rounds=args.rounds, scale=args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())

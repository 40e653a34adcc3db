"""Helpers that read pages the way a person does."""

import re
from html import unescape

from django.test import Client


def signed_in(user):
    """A fresh client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def text_of(response):
    """The visible text of a page, tags removed and white space folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def rows_of(response):
    """The text of each body row of every table on the page, cells joined by ' | '."""
    html = response.content.decode()
    rows = []
    for body in re.findall(r"<tbody\b[^>]*>(.*?)</tbody>", html, flags=re.S):
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, flags=re.S):
            cells = re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)
            if not cells:  # a heading row, such as an area's
                continue
            rows.append(
                " | ".join(
                    re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", c))).strip() for c in cells
                )
            )
    return rows


def row_for(response, name):
    matches = [row for row in rows_of(response) if f"| {name} |" in row]
    assert len(matches) == 1, f"{name!r} in {len(matches)} rows"
    return matches[0]

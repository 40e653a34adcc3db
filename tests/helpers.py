"""Helpers that read pages the way a person does."""

import importlib.util
import re
from html import unescape
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from targets import xlsx
from targets.models import Target, Year
from targets.report import YearReport
from targets.stages import Stage

# The demo's committee, whose pages most tests open.
CAU_THIA = "cau-thia"


def signed_in(user):
    """A fresh client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def text_of(response):
    """The visible text of a page, tags removed and white space folded."""
    return plain_text(response.content.decode())


def plain_text(html):
    """The text of a piece of HTML, tags removed and white space folded."""
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


class _FormReader(HTMLParser):
    """Collects what a browser would submit from each form of a page, untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attrs:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "image", "file", "reset"):
                self._form["fields"].append([attrs["name"], attrs.get("value", "")])
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # Browsers drop one line break right after <textarea>; this parser keeps it.
            text = self._textarea[1]
            self._textarea[1] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            value = chosen if chosen is not None else self._select["first"]
            if value is not None:
                self._form["fields"].append([self._select["name"], value])
            self._select = None
        elif tag == "form":
            self._form = None


def fields_of(html):
    """What a browser would post from a fragment of form fields, untouched."""
    reader = _FormReader()
    reader.feed(f'<form method="post">{html}</form>')
    return _posted(reader.forms[0])


def _posted(form):
    data = {}
    for name, value in form["fields"]:
        # Browsers send every line break of every value as CRLF.
        data.setdefault(name, value.replace("\r\n", "\n").replace("\n", "\r\n"))
    return data


def form_data(response, selector=None):
    """The data a browser would post from the page's form (the one whose attributes include
    ``selector``, e.g. 'class="grid-form"', or the only POST form of the main content), as
    rendered: every value exactly as the page shows it."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    forms = [
        form
        for form in reader.forms
        if form["attrs"].get("method", "get").lower() == "post"
        and form["attrs"].get("action") is None
        and (selector is None or all(form["attrs"].get(k) == v for k, v in selector.items()))
    ]
    assert len(forms) == 1, f"{len(forms)} forms match {selector}"
    return _posted(forms[0])


def settings_module(monkeypatch, **environment):
    """cauthia/settings.py as it comes out of ``environment``, run afresh beside the one in
    use (which stays as it is)."""
    for name in ("DEBUG", "BEHIND_TLS_PROXY", "PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.find_spec("cauthia.settings")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def task_url(task):
    """The edit page of ``task``."""
    return reverse(
        "cells:task_edit",
        kwargs={**task.year.address, "number": task.cell.number, "pk": task.pk},
    )


# The columns of the report workbook's "Chỉ tiêu" sheet that an import reads.
SHEET_COLUMNS = {"plan": 4, "actual": 5}


def report_workbook(year, stage=Stage.FINAL, changes=None):
    """The bytes of Cầu Thia's ``year``'s report workbook at ``stage``, as the app exports it, with
    ``changes`` ({target slug: {"plan" or "actual": value}}) typed into its "Chỉ tiêu" sheet."""
    report = YearReport.year_end(Year.objects.get(committee__slug=CAU_THIA, year=year), stage)
    workbook = xlsx.build_workbook(report)
    sheet = workbook.worksheets[0]
    rows = {
        row[1].value: row[0].row for row in sheet.iter_rows(min_col=1, max_col=2) if row[1].value
    }
    for slug, values in (changes or {}).items():
        name = Target.objects.get(committee__slug=CAU_THIA, slug=slug).name
        for column, value in values.items():
            sheet.cell(row=rows[name], column=SHEET_COLUMNS[column]).value = value
    return xlsx.workbook_bytes(workbook)


def input_value(html, name):
    """The value attribute of the page's input named ``name`` (None when it has none)."""
    tag = re.search(rf'<input\b[^>]*\bname="{name}"[^>]*>', html).group(0)
    value = re.search(r'\bvalue="([^"]*)"', tag)
    return value.group(1) if value else None


def textarea(html, name):
    """The text of the page's textarea named ``name``, as the browser shows it."""
    return re.search(rf'<textarea\b[^>]*\bname="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)[1]

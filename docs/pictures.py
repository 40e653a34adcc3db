"""The README's pictures of the demo's reports, as LibreOffice renders the files the app writes:
the 2023 report once in a Vietnamese and once in an English regional setting (the first page of
the report (.docx) and of each of its annexes, and the first page of the workbook's "Chỉ tiêu"
sheet), and the 2024 estimate's report in the Vietnamese one (its first page and Phụ lục I's).

    make pictures        (needs LibreOffice and poppler-utils: soffice, pdftoppm, pdftotext)

The demo is loaded into a throwaway SQLite database; nothing else is touched.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PYTHON = ROOT / ".venv" / "bin" / "python"
LOCALES = {"vi": "vi-VN", "en": "en-US"}
# LibreOffice's "Locale setting" (Tools › Options › Languages), which decides how a number
# cell shows its separators; a document's text is what it is.
REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""


def run(*command, **kwargs):
    subprocess.run(command, check=True, **kwargs)


def export(work):
    """The demo's 2023 report as .docx and .xlsx and its 2024 estimate as .docx, from a fresh
    database."""
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{work}/demo.sqlite3",
        "SECRET_KEY": "pictures-only",
        "DEBUG": "1",
    }
    env.pop("CI", None)
    manage = [str(PYTHON), str(ROOT / "manage.py")]
    run(*manage, "migrate", "-v0", env=env, cwd=ROOT)
    run(*manage, "load_demo", "-v0", "--password", "pictures-only-Cau-Thia", env=env, cwd=ROOT)
    files = [
        (work / "bao-cao-2023.docx", "2023", "final"),
        (work / "bao-cao-2023.xlsx", "2023", "final"),
        (work / "bao-cao-2024-uoc.docx", "2024", "estimate"),
    ]
    for path, year, stage in files:
        run(
            *manage,
            "export_report",
            year,
            "--stage",
            stage,
            "-o",
            str(path),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    return [path for path, _year, _stage in files]


def to_pdf(path, locale, work):
    profile = work / f"profile-{locale}"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY.format(locale=locale))
    out = work / locale
    run(
        "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(path),
        stdout=subprocess.DEVNULL,
    )
    return out / path.with_suffix(".pdf").name


def pages(pdf):
    """The text of each page of ``pdf``."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def first_page_of(texts, annex):
    """The number (from 1) of the page where the annex ("I", "II") starts."""
    return next(n for n, text in enumerate(texts, 1) if f"PHỤ LỤC {annex}\n" in text)


def png(pdf, page, name):
    target = DOCS / name
    run(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(target.with_suffix("")),
    )
    print(target.relative_to(ROOT))


def main():
    missing = [tool for tool in ("soffice", "pdftoppm", "pdftotext") if not shutil.which(tool)]
    if missing:
        sys.exit(
            f"Needs {', '.join(missing)}: apt-get install libreoffice-writer-nogui "
            "libreoffice-calc-nogui poppler-utils"
        )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        docx, workbook, estimate = export(work)
        for short, locale in LOCALES.items():
            pdf = to_pdf(docx, locale, work)
            texts = pages(pdf)
            png(pdf, 1, f"report-2023-{short}.png")
            for annex in ("I", "II"):
                first = first_page_of(texts, annex)
                png(pdf, first, f"report-2023-annex-{annex.lower()}-{short}.png")
            png(to_pdf(workbook, locale, work), 1, f"workbook-2023-{short}.png")
        pdf = to_pdf(estimate, LOCALES["vi"], work)
        png(pdf, 1, "report-2024-estimate-vi.png")
        png(pdf, first_page_of(pages(pdf), "I"), "report-2024-estimate-annex-i-vi.png")


if __name__ == "__main__":
    main()

"""What a file is, read from its first bytes and its structure, never from its name: the
evidence a figure may carry is a PDF, a picture, or a spreadsheet or document of Office's
open formats. A file that only claims to be one of these (renamed, or something else with a
matching extension) is refused, as is an Office file that declares anything that runs when
it is opened (macros, ActiveX controls, embedded OLE objects), whatever its parts are called."""

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote
from xml.etree import ElementTree

from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The extension a stored file is given, and a downloaded one ends with, by what it is.
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", DOCX: ".docx"}
ACCEPTED = _("PDF, PNG or JPEG pictures, Excel (.xlsx) or Word (.docx) files")

# The content type an Office file declares for its main document: only the macro-free ones
# (not .xlsm, .docm, templates or binary workbooks).
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OFFICE_TYPES = {XLSX_MAIN: XLSX, DOCX_MAIN: DOCX}
# The parts that hold macros under the names Office gives them.
MACROS = ("xl/vbaProject.bin", "word/vbaProject.bin")

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELATIONSHIPS = "_rels/.rels"
# What can run when an Office file is opened, in the words of the content types and
# relationship types that declare it: a macro project (.xlsm, .docm, its signature, its data),
# an Excel 4 macro sheet, an ActiveX control, an embedded OLE object. Word and Excel relate an
# ActiveX control by the type ".../control".
ACTIVE = re.compile(r"macro|vba|activex|\bole", re.IGNORECASE)
ACTIVE_RELATIONSHIP = re.compile(r"/control$", re.IGNORECASE)
# An Office file's table of contents and relationships take a few kilobytes; they are read
# only within these sizes, so that checking a file stays cheap whatever it holds.
MAX_XML_PART_BYTES = 1024 * 1024
MAX_XML_TOTAL_BYTES = 4 * 1024 * 1024
# None of them has a DTD; one would declare entities, which may expand without end.
DOCTYPE = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))
# What reading a damaged or unusual zip raises: a bad checksum, a broken or cut stream, a
# part that is encrypted (RuntimeError) or compressed in a way Python does not read.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)


class Unreadable(Exception):
    """An Office file whose table of contents or relationships cannot be read with certainty:
    missing, broken, too large, or with parts named twice."""


@dataclass
class Package:
    """An Office file as its table of contents describes it: the names of its parts, the
    content type of each (``defaults`` by extension, ``overrides`` by part name, both in lower
    case) and the relationships of each ({source part: [(id, type, target part)]}, "" for the
    file itself; an external target is None)."""

    names: set
    defaults: dict
    overrides: dict
    relationships: dict

    def type_of(self, part):
        """The content type declared for ``part`` (a name in the zip), or None."""
        name = part.lower()
        if name in self.overrides:
            return self.overrides[name]
        return self.defaults.get(posixpath.splitext(name)[1].lstrip("."))

    @property
    def main(self):
        """The main document's part, found as Office finds it: the target of the file's one
        relationship of type "officeDocument". None when there is none, or several."""
        targets = list(self.related("", "/officeDocument").values())
        if len(targets) != 1 or targets[0] not in self.names:
            return None
        return targets[0]

    @property
    def main_type(self):
        """The content type declared for the main document, or None."""
        return self.type_of(self.main) if self.main else None

    @property
    def active(self):
        """The content types and relationship types that declare something that runs."""
        declared = [*self.defaults.values(), *self.overrides.values()]
        found = [type_name for type_name in declared if ACTIVE.search(type_name)]
        for related in self.relationships.values():
            found += [
                type_name
                for _key, type_name, _target in related
                if ACTIVE.search(type_name) or ACTIVE_RELATIONSHIP.search(type_name)
            ]
        return found

    def related(self, source, type_end):
        """{id: target part} of ``source``'s relationships whose type ends with ``type_end``."""
        return {
            key: target
            for key, found, target in self.relationships.get(source, [])
            if found.endswith(type_end) and target is not None
        }


def content_type(file):
    """The accepted type of an uploaded ``file`` (a file object, read from its start), or None
    for anything else. Of a zip, only the table of contents and the relationships are read,
    within a few megabytes, so a file that would expand far beyond its size costs nothing."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return office_type(file)
    return None


def office_type(file):
    try:
        with zipfile.ZipFile(file) as archive:
            package = read_package(archive)
    except (*ZIP_ERRORS, Unreadable):
        return None
    finally:
        file.seek(0)
    if package.active or package.names & set(MACROS):
        return None
    return OFFICE_TYPES.get(package.main_type)


def read_package(archive):
    """The Package of the zip ``archive``; raises Unreadable."""
    infos = archive.infolist()
    names = {info.filename for info in infos}
    # Office reads part names without regard to case: a name given twice could be read
    # differently by Office and by this check.
    if len({info.filename.lower() for info in infos}) != len(infos):
        raise Unreadable("a part is named twice")
    if CONTENT_TYPES not in names:
        raise Unreadable("no table of contents")
    listed = [CONTENT_TYPES] + [name for name in names if name.lower().endswith(".rels")]
    if sum(archive.getinfo(name).file_size for name in listed) > MAX_XML_TOTAL_BYTES:
        raise Unreadable("the relationships are too large")
    defaults, overrides = {}, {}
    for element in read_xml(archive, CONTENT_TYPES).iter():
        type_name = (element.get("ContentType") or "").strip()
        if local_name(element.tag) == "Default":
            defaults[(element.get("Extension") or "").lower()] = type_name
        elif local_name(element.tag) == "Override":
            overrides[(element.get("PartName") or "").lstrip("/").lower()] = type_name
    relationships = {
        source_of(name): relationships_of(read_xml(archive, name), source_of(name))
        for name in listed[1:]
    }
    return Package(names, defaults, overrides, relationships)


def read_xml(archive, name):
    """The root element of the part ``name``, read whole; raises Unreadable for a part that is
    missing, larger than MAX_XML_PART_BYTES, declares a DTD (entities could expand it) or is
    not well-formed."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise Unreadable(f"no part {name}") from None
    if info.file_size > MAX_XML_PART_BYTES:
        raise Unreadable(f"{name} is too large")
    try:
        data = archive.read(info)
        if any(mark in data for mark in DOCTYPE):
            raise Unreadable(f"{name} declares a DTD")
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, *ZIP_ERRORS) as error:
        raise Unreadable(f"{name}: {error}") from error


def local_name(tag):
    """A tag without its namespace: "{http://…}Override" is "Override"."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def source_of(relationships_part):
    """The part whose relationships ``relationships_part`` lists: "xl/_rels/workbook.xml.rels"
    lists xl/workbook.xml's, "_rels/.rels" the file's own (""). One outside a "_rels" folder
    is not read by Office, and stands for itself (its types are checked all the same)."""
    folder, _slash, name = relationships_part.rpartition("/")
    parent, _slash, last = folder.rpartition("/")
    if last.lower() != "_rels":
        return relationships_part
    return posixpath.join(parent, name[: -len(".rels")]) if name != ".rels" else parent


def relationships_of(root, source):
    """[(id, type, target part)] of a relationships part; targets are resolved against the
    folder of ``source`` (an external target is None)."""
    found = []
    for element in root.iter():
        if local_name(element.tag) != "Relationship":
            continue
        target = None
        if (element.get("TargetMode") or "").lower() != "external":
            target = resolve(source, unquote(element.get("Target") or ""))
        found.append((element.get("Id") or "", (element.get("Type") or "").strip(), target))
    return found


def resolve(source, target):
    """The part name a relationship of ``source`` points to."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")

"""Uploaded documents are judged by their bytes, not by their name (DECISIONS 23).

Accepted: PDF, ODT and DOCX up to ``MAX_DOCUMENT_BYTES``. A PDF starts with ``%PDF-``; an ODT is a
ZIP whose first member is ``mimetype`` holding the OpenDocument text type; a DOCX is a ZIP with
``[Content_Types].xml`` and ``word/document.xml``. ZIPs are read from their directory only (nothing
is decompressed), and one with absurd uncompressed sizes is refused as a possible zip bomb. The
extension of the uploaded name must agree with what the bytes are.

A document with macros is refused whatever its name: macros run code on the reader's computer, and the
board and reviewers open these files. An Office file (DOCX, and a DOCM, XLSM or PPTM renamed) carries them
in a ``vbaProject.bin`` part, declared in ``[Content_Types].xml`` as a macro-enabled type; an OpenDocument
file in its ``Basic/`` or ``Scripts/`` folder. Only ``mimetype`` and ``[Content_Types].xml`` are read, each
with a small size bound.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CONTENT_TYPES_MAX_BYTES = 1024 * 1024  # a real one is a few KB
# What marks macros: in the content types of an Office file, and as folders of an OpenDocument file.
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject")
ODF_MACRO_FOLDERS = ("basic/", "scripts/")
ODF_LIBRARY_INDEXES = {"script-lc.xml", "script-lb.xml"}


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str
    label: str


PDF = DocumentType(".pdf", "application/pdf", "PDF")
ODT = DocumentType(".odt", "application/vnd.oasis.opendocument.text", "ODT")
DOCX = DocumentType(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    return size


def _sniff(file) -> DocumentType | None:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(_("Dit document is uitgepakt te groot; het wordt niet aangenomen."), code="zip_bomb")
            names = {info.filename for info in infos}
            if _has_macros(archive, infos):
                raise ValidationError(
                    _("Dit document bevat macro's en wordt daarom niet aangenomen. Sla het op als PDF of als document "
                      "zonder macro's en probeer het opnieuw."),
                    code="macros",
                )
            if (
                infos and infos[0].filename == "mimetype" and infos[0].file_size < 200
                and archive.read("mimetype").strip() == ODT_MIMETYPE
            ):
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        return None  # damaged, encrypted or in an unusual compression: not a document we can judge
    finally:
        file.seek(0)
    return None


def _has_macros(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> bool:
    opendocument = bool(infos) and infos[0].filename == "mimetype"
    for info in infos:
        folder, _sep, base = info.filename.lower().rpartition("/")
        if base.startswith("vbaproject"):  # vbaProject.bin, vbaProjectSignature.bin
            return True
        # In an OpenDocument file a module or a script is code; an empty Basic library leaves only its indexes.
        if opendocument and f"{folder}/".startswith(ODF_MACRO_FOLDERS) and base and base not in ODF_LIBRARY_INDEXES:
            return True
    types = next((info for info in infos if info.filename == "[Content_Types].xml"), None)
    if types is None:
        return False
    with archive.open(types) as member:
        declared = member.read(CONTENT_TYPES_MAX_BYTES + 1)
    if len(declared) > CONTENT_TYPES_MAX_BYTES:
        raise zipfile.BadZipFile("[Content_Types].xml too large")  # not an Office file we know
    declared = declared.lower()
    return any(marker in declared for marker in MACRO_CONTENT_TYPES)


def check_document(file) -> DocumentType:
    """The type of an accepted document; ValidationError (in the user's language) for anything else."""
    size = _size(file)
    if size == 0:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("Het bestand is te groot (%(size)s MB); het maximum is 10 MB.") % {"size": f"{size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    found = _sniff(file)
    if found is None:
        raise ValidationError(
            _("Dit bestand is geen PDF-, ODT- of DOCX-document. Sla het op als PDF en probeer het opnieuw."), code="wrong_type"
        )
    suffix = PurePath(getattr(file, "name", "") or "").suffix.lower()
    if suffix != found.extension:
        raise ValidationError(
            _("De bestandsnaam (%(suffix)s) past niet bij de inhoud (%(type)s).") % {"suffix": suffix or "-", "type": found.label},
            code="extension_mismatch",
        )
    return found

"""Uploaded documents are judged by their bytes (samennw/documents.py, DECISIONS 23): real small PDF, DOCX
and ODT files built here are accepted; empty, too large, renamed, zip-bomb and macro-carrying files are
refused, each with its own Dutch message."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from samennw import documents

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
WORD_BODY = (
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Begroting buurtkamer</w:t></w:r></w:p></w:body></w:document>'
)

WRONG_TYPE = "Dit bestand is geen PDF-, ODT- of DOCX-document. Sla het op als PDF en probeer het opnieuw."
MACROS = (
    "Dit document bevat macro's en wordt daarom niet aangenomen. Sla het op als PDF of als document zonder "
    "macro's en probeer het opnieuw."
)


def _zip(members: list[tuple[str, bytes | str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            stored = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=stored)
    return buffer.getvalue()


def docx(*, main: str = DOCX_MAIN, extra_types: str = "", parts: list[tuple[str, bytes | str]] = ()) -> bytes:
    return _zip([
        ("[Content_Types].xml", DOCX_TYPES.format(main=main, extra=extra_types)),
        ("_rels/.rels", "<Relationships/>"),
        ("word/document.xml", WORD_BODY),
        *parts,
    ])


def odt(*, parts: list[tuple[str, bytes | str]] = ()) -> bytes:
    return _zip([
        ("mimetype", documents.ODT_MIMETYPE),
        ("content.xml", "<office:document-content/>"),
        ("META-INF/manifest.xml", "<manifest:manifest/>"),
        *parts,
    ])


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        documents.check_document(upload(name, content))
    return caught.value


# --- accepted ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "expected"), [
    ("begroting.pdf", PDF_BYTES, documents.PDF),
    ("Begroting.PDF", PDF_BYTES, documents.PDF),
    ("plan.docx", docx(), documents.DOCX),
    ("plan.odt", odt(), documents.ODT),
    # an OpenDocument file whose (empty) Basic library left only its index files carries no code
    ("plan.odt", odt(parts=[("Basic/script-lc.xml", "<library:libraries/>"),
                            ("Basic/Standard/script-lb.xml", "<library:library/>")]), documents.ODT),
])
def test_real_documents_are_accepted_by_their_bytes(name, content, expected):
    file = upload(name, content)
    assert documents.check_document(file) is expected
    assert file.read(5) == content[:5]  # the caller stores the whole file: the check leaves it at the start


# --- refused -----------------------------------------------------------------------------------

def test_empty_file_is_refused():
    error = refusal("leeg.pdf", b"")
    assert error.messages == ["Het bestand is leeg."] and error.code == "empty"


def test_file_over_the_size_limit_is_refused_with_its_size():
    content = PDF_BYTES + b"0" * (documents.MAX_DOCUMENT_BYTES - len(PDF_BYTES) + 200 * 1024)
    error = refusal("groot.pdf", content)
    assert error.messages == ["Het bestand is te groot (10.2 MB); het maximum is 10 MB."] and error.code == "too_large"


def test_a_program_renamed_to_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
    error = refusal("begroting.pdf", exe)
    assert error.messages == [WRONG_TYPE] and error.code == "wrong_type"


def test_a_plain_zip_and_a_damaged_docx_are_refused():
    assert refusal("plan.docx", _zip([("notes.txt", "geen document")])).messages == [WRONG_TYPE]
    assert refusal("plan.docx", docx()[:200]).messages == [WRONG_TYPE]  # cut off: no central directory


def test_a_pdf_named_docx_is_refused_as_a_mismatch():
    error = refusal("plan.docx", PDF_BYTES)
    assert error.messages == ["De bestandsnaam (.docx) past niet bij de inhoud (PDF)."] and error.code == "extension_mismatch"


def test_a_zip_bomb_is_refused_without_unpacking_it():
    """About 110 MB of zeros packs into some 100 KB: small on the wire, far too large once unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=DOCX_MAIN, extra=""))
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(documents.MAX_UNCOMPRESSED_BYTES // len(chunk) + 10):
                member.write(chunk)
    content = buffer.getvalue()
    assert len(content) < documents.MAX_DOCUMENT_BYTES
    error = refusal("plan.docx", content)
    assert error.messages == ["Dit document is uitgepakt te groot; het wordt niet aangenomen."] and error.code == "zip_bomb"


@pytest.mark.parametrize(("name", "content"), [
    # a DOCX with a VBA project part
    ("plan.docx", docx(parts=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)])),
    # a DOCM renamed to .docx: the content types declare a macro-enabled document (the part's name may be any)
    ("plan.docx", docx(main=DOCM_MAIN)),
    ("plan.docx", docx(extra_types='<Override PartName="/word/code.bin" ContentType="application/vnd.ms-office.vbaProject"/>',
                       parts=[("word/code.bin", b"\xd0\xcf\x11\xe0")])),
    # an XLSM renamed: not a DOCX at all, but the macro is what the uploader needs to hear about
    ("begroting.docx", _zip([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"),
                             ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")])),
    # an ODT with a Basic module or a script
    ("plan.odt", odt(parts=[("Basic/Standard/Module1.xml", "<script:module>Sub Main</script:module>")])),
    ("plan.odt", odt(parts=[("Scripts/python/run.py", "import os")])),
])
def test_documents_with_macros_are_refused(name, content):
    error = refusal(name, content)
    assert error.messages == [MACROS] and error.code == "macros"

"""Spreadsheets in and out, safely: formula neutralising (DECISIONS 21) and bounded reading (22, 23).

Export: every text cell that a spreadsheet program could take for a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, so it stays inert text.
``restore`` undoes exactly that on import, so an exported file reads back unchanged; a value that
really starts with an apostrophe followed by one of those characters is the one case that does not
survive a round trip.

Import: ``check_upload`` judges a file by its bytes *before* anything parses it: size limit, XLSX is
a zip with ``[Content_Types].xml`` and ``xl/workbook.xml`` and no macros, uncompressed size limit
(zip bombs), CSV is UTF-8 text; the extension must agree with the content. ``read_sheet`` then
reads at most ``max_rows`` rows and marks a formula cell without a stored value as a problem, never
as an empty cell. Messages are Dutch, for the person who uploaded the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000

XLSX = "xlsx"
CSV = "csv"


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet program will evaluate (DECISIONS 21); non-text passes unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """Undo ``neutralise``: drop the apostrophe it added, and only that one."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class SpreadsheetRefused(ValueError):
    """The upload is refused as a whole; ``str(error)`` is the Dutch message for the uploader."""


@dataclass
class CellProblem:
    row: int  # as the spreadsheet program numbers it: the header is row 1
    column: str
    message: str


@dataclass
class Sheet:
    """What ``read_sheet`` found: the header, the non-empty rows with their row numbers, cell problems."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    problems: list[CellProblem] = field(default_factory=list)


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def check_upload(
    upload, *, max_bytes: int = MAX_BYTES, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
) -> str:
    """Judge an uploaded file by size and content before parsing; returns ``XLSX`` or ``CSV``.

    ``upload`` is a Django ``UploadedFile`` (or any object with ``name``, ``size``, ``seek`` and ``read``).
    Raises ``SpreadsheetRefused`` with the reason.
    """
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > max_bytes:
        raise SpreadsheetRefused(_("Het bestand is groter dan %(limit)s.") % {"limit": _megabytes(max_bytes)})
    if size == 0:
        raise SpreadsheetRefused(_("Het bestand is leeg."))
    if name.endswith((".xlsm", ".xltm", ".xlsb", ".xls")):
        raise SpreadsheetRefused(
            _("Werkmappen met macro's en oude Excel-bestanden worden niet geaccepteerd; sla op als .xlsx of .csv.")
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        _check_xlsx(upload, max_uncompressed=max_uncompressed)
        if not name.endswith(".xlsx"):
            raise SpreadsheetRefused(_("Dit bestand is een Excel-werkmap; geef het de extensie .xlsx."))
        return XLSX
    if not _is_utf8_text(upload):
        raise SpreadsheetRefused(_("Dit is geen spreadsheet: lever een .xlsx-bestand of een CSV-bestand in UTF-8."))
    if not name.endswith(".csv"):
        raise SpreadsheetRefused(_("Dit bestand is tekst (CSV); geef het de extensie .csv."))
    return CSV


def _check_xlsx(upload, *, max_uncompressed: int) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetRefused(_("Dit is geen spreadsheet: het bestand is beschadigd.")) from exc
    finally:
        upload.seek(0)
    names = {info.filename for info in infos}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise SpreadsheetRefused(_("Deze werkmap bevat macro's; sla hem op als gewone .xlsx zonder macro's."))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SpreadsheetRefused(_("Dit is geen spreadsheet: lever een .xlsx-bestand of een CSV-bestand in UTF-8."))
    if sum(info.file_size for info in infos) > max_uncompressed:
        raise SpreadsheetRefused(
            _("Uitgepakt is het bestand groter dan %(limit)s; het wordt niet gelezen.")
            % {"limit": _megabytes(max_uncompressed)}
        )


def _is_utf8_text(upload) -> bool:
    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := upload.read(64 * 1024):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def read_sheet(upload, kind: str, *, max_rows: int = MAX_ROWS) -> Sheet:
    """Read the first worksheet (XLSX) or the CSV text: header row plus at most ``max_rows`` rows.

    Call ``check_upload`` first. Completely empty rows are skipped but keep their numbering.
    """
    upload.seek(0)
    sheet = _read_xlsx(upload, max_rows=max_rows) if kind == XLSX else _read_csv(upload, max_rows=max_rows)
    upload.seek(0)
    return sheet


class TooManyRows(SpreadsheetRefused):
    """More than ``max_rows`` rows; ``headers`` is the header row that was read (a caller that asked for
    a small ``max_rows`` to choose between a request and a background job can still check it)."""

    def __init__(self, message: str, *, headers: list[str]):
        super().__init__(message)
        self.headers = headers


def too_many_rows(max_rows: int, headers: list[str]) -> TooManyRows:
    return TooManyRows(
        _("Het bestand heeft meer dan %(limit)s rijen; splits het in kleinere bestanden.")
        % {"limit": f"{max_rows:,}".replace(",", ".")},
        headers=headers,
    )


def _collect(rows: Iterable[tuple[int, list[Any]]], *, max_rows: int) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    iterator = iter(rows)
    headers: list[str] | None = None
    body: list[tuple[int, list[Any]]] = []
    for number, values in iterator:
        if headers is None:
            if all(_empty(v) for v in values):
                continue
            headers = ["" if v is None else str(v).strip() for v in values]
            while headers and not headers[-1]:
                headers.pop()
            continue
        if all(_empty(v) for v in values):
            continue
        if len(body) >= max_rows:
            raise too_many_rows(max_rows, headers)
        body.append((number, list(values)))
    if headers is None:
        raise SpreadsheetRefused(_("Het bestand bevat geen kopregel met kolomnamen."))
    return headers, body


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Formula:
    """Marks a formula cell without a stored result."""


FORMULA_WITHOUT_VALUE = _Formula()


def _read_xlsx(upload, *, max_rows: int) -> Sheet:
    from openpyxl import load_workbook

    try:
        # Two read-only passes: formulas (to find them) and stored values (what the cell shows).
        formulas = load_workbook(upload, read_only=True, data_only=False)
        upload.seek(0)
        values = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise SpreadsheetRefused(_("Dit is geen spreadsheet: de werkmap kan niet worden gelezen.")) from exc
    try:
        f_ws = formulas.worksheets[0]
        v_ws = values.worksheets[0]

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for number, (f_row, v_row) in enumerate(
                zip(f_ws.iter_rows(), v_ws.iter_rows(values_only=True), strict=False), start=1
            ):
                cells: list[Any] = []
                for f_cell, value in zip(f_row, v_row, strict=False):
                    if getattr(f_cell, "data_type", None) == "f" and value is None:
                        cells.append(FORMULA_WITHOUT_VALUE)
                    else:
                        cells.append(value)
                yield number, cells

        headers, body = _collect(rows(), max_rows=max_rows)
    finally:
        formulas.close()
        values.close()
    problems = []
    for number, cells in body:
        for index, value in enumerate(cells):
            if value is FORMULA_WITHOUT_VALUE:
                column = headers[index] if index < len(headers) else str(index + 1)
                problems.append(
                    CellProblem(
                        number,
                        column,
                        _("formule zonder opgeslagen waarde; vul de waarde zelf in of sla het bestand op in Excel"),
                    )
                )
                cells[index] = None
    return Sheet(headers=headers, rows=body, problems=problems)


def _read_csv(upload, *, max_rows: int) -> Sheet:
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    try:
        # Comma (our export) or semicolon (Excel with Dutch regional settings): whichever splits the
        # header line into more columns. csv.Sniffer guesses quoting too, and guesses it wrong.
        first_line = text.readline()
        text.seek(0)
        delimiter = max(",;", key=lambda d: len(next(csv.reader([first_line], delimiter=d), [])))
        reader = csv.reader(text, delimiter=delimiter)

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for values in reader:
                yield reader.line_num, values

        try:
            headers, body = _collect(rows(), max_rows=max_rows)
        except csv.Error as exc:
            raise SpreadsheetRefused(_("Het CSV-bestand kan niet worden gelezen: %(error)s") % {"error": exc}) from exc
    finally:
        text.detach()
    return Sheet(headers=headers, rows=body)


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Blad1") -> bytes:
    """An XLSX file with neutralised cells, written in openpyxl's streaming mode."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([neutralise(h) for h in headers])
    for row in rows:
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in (neutralise(c) for c in row)]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV (with byte-order mark, so Excel reads the accents) with neutralised cells."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(_csv_value(c)) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return "" if value is None else value

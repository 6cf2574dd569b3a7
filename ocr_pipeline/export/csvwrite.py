"""Rendering records as the bytes of a CSV file, and writing a file all at once or not at all.

:func:`render` is pure and deterministic: the same profile, form and records (in the same
order) give the same bytes, on any machine and any day. Nothing in the output depends on the
clock or the locale. Quoting is done here rather than by the ``csv`` module so that the bytes
cannot change with the Python version; files read back with ``csv`` to the same cells.

:func:`write_atomic` writes a temporary file beside the target, flushes it to disk and
renames it into place: a reader sees no file or the whole file, never part of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from form_schemas.spec import FormSpec, TableSpec

from ..durable import fsync_dir
from ..errors import OutputUnwritableError
from .cells import CellError, fit_width, format_field, format_timestamp, is_empty
from .check import BoundColumn, bind_columns
from .errors import ExportEncodingError, ExportValueError, RecordMismatchError, UnencodableCell
from .formulas import NeutralisedCell, needs_neutralising, neutralise
from .profile import ExportProfile, Meta, Quoting
from .record import ExportRecord

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_NEEDS_QUOTES = ('"', "\r", "\n")


def _meta_cell(b: BoundColumn, record: ExportRecord, seq: int, row: int | None) -> str | None:
    """The metadata a column asks for; ``None`` when the store gave it as empty."""
    meta = b.column.meta
    assert meta is not None
    made = {
        Meta.DOCUMENT_ID: record.document_id,
        Meta.FORM_ID: record.form_id,
        Meta.FORM_VERSION: str(record.form_version),
        Meta.SEQ: str(seq),
        Meta.TABLE_ROW: str((row or 0) + 1),
    }
    if meta in made:
        return made[meta]
    raw = record.meta.get(meta.value)
    if raw is None:
        raise ExportValueError(
            record.document_id,
            b.column.source,
            f"the record has no {meta.value} (column {b.name})",
            "Export records through the store, which supplies it, or drop the column.",
        )
    if not raw:
        return None
    fmt = b.column.date_format
    return format_timestamp(raw, fmt) if meta.is_timestamp and fmt is not None else raw


def _cell(
    b: BoundColumn, record: ExportRecord, seq: int, row: int | None, profile: ExportProfile
) -> tuple[str, bool]:
    """The cell's text, and whether a formula start was neutralised in it. Only values from
    the record are neutralised: fixed texts and ``empty`` are the profile's own."""
    col = b.column
    try:
        if b.spec is not None:
            value = record.values.get(b.field_id(row))
            text = format_field(value, b.spec, col, profile)
            if profile.neutralise_formulas and not is_empty(value) and needs_neutralising(text):
                return neutralise(text), True
            return text, False
        if col.value is not None:
            return fit_width(col.value, col), False
        meta = _meta_cell(b, record, seq, row)
        return (profile.empty if meta is None else fit_width(meta, col)), False
    except CellError as exc:
        raise ExportValueError(record.document_id, b.field_id(row), str(exc)) from exc


def _filled_rows(table: TableSpec, record: ExportRecord) -> list[int]:
    """Rows holding any writing (an unticked box is no writing), in table order."""
    rows = []
    for r in range(table.rows):
        cells = (record.values.get(table.cell_id(r, c.id)) for c in table.columns)
        if any(not is_empty(v) and v is not False for v in cells):
            rows.append(r)
    if not rows:
        raise ExportValueError(
            record.document_id,
            table.id,
            f"no row of table {table.id} ({table.label}) is filled; "
            "this profile writes one line per row",
            "Check the record in review; a record without rows cannot be exported this way.",
        )
    return rows


def _lines(
    profile: ExportProfile,
    form: FormSpec,
    bound: list[BoundColumn],
    records: Iterable[ExportRecord],
) -> Iterator[tuple[ExportRecord, int | None, list[str], list[NeutralisedCell]]]:
    table = next((t for t in form.tables if t.id == profile.rows), None)
    seq = 0
    for record in records:
        if record.form_id != form.id or record.form_version != form.version:
            raise RecordMismatchError(record.document_id, record.form_key, form.key)
        rows: list[int | None] = list(_filled_rows(table, record)) if table else [None]
        for row in rows:
            seq += 1
            cells, changed = [], []
            for b in bound:
                text, neutralised = _cell(b, record, seq, row, profile)
                cells.append(text)
                if neutralised:
                    changed.append(
                        NeutralisedCell(seq, record.document_id, b.name, b.field_id(row))
                    )
            yield record, row, cells, changed


def _unencodable(
    codec: str, record: ExportRecord, row: int | None, bound: list[BoundColumn], cells: list[str]
) -> Iterator[UnencodableCell]:
    for b, text in zip(bound, cells, strict=True):
        try:
            text.encode(codec)
        except UnicodeEncodeError as exc:
            yield UnencodableCell(record.document_id, b.field_id(row), b.name, text[exc.start])


def _quote(text: str, profile: ExportProfile, alone: bool) -> str:
    needs = (
        profile.quoting is Quoting.ALL
        or profile.delimiter in text
        or any(ch in text for ch in _NEEDS_QUOTES)
        # A line holding one empty cell would read as a blank line and be skipped.
        or (alone and not text)
    )
    return '"' + text.replace('"', '""') + '"' if needs else text


def _line(cells: list[str], profile: ExportProfile) -> str:
    alone = len(cells) == 1
    body = profile.delimiter.join(_quote(c, profile, alone) for c in cells)
    return body + profile.line_ending.chars


@dataclass(frozen=True)
class Rendered:
    """A rendered file and the cells that got a leading ``'`` (see :mod:`.formulas`)."""

    data: bytes
    neutralised: tuple[NeutralisedCell, ...]


def render(profile: ExportProfile, form: FormSpec, records: Iterable[ExportRecord]) -> bytes:
    """The bytes of :func:`render_report`."""
    return render_report(profile, form, records).data


def render_report(
    profile: ExportProfile, form: FormSpec, records: Iterable[ExportRecord]
) -> Rendered:
    """The CSV file for ``records`` (in the order given) as ``profile`` writes it.

    Unless the profile sets ``neutralise_formulas: false``, a cell holding a record's value
    that starts with ``= + - @``, tab or CR gets a leading ``'`` (OWASP's advice against CSV
    injection) and is listed in :attr:`Rendered.neutralised`. The profile's own texts (header
    names, fixed ``value`` columns, ``empty``) and record metadata are written as they are.

    Raises :class:`~ocr_pipeline.export.errors.ProfileInvalidError` when the profile does not
    fit ``form``, :class:`~ocr_pipeline.export.errors.RecordMismatchError` for a record of
    another form or version, :class:`~ocr_pipeline.export.errors.ExportValueError` for a
    value that does not fit its field or column, and
    :class:`~ocr_pipeline.export.errors.ExportEncodingError` listing every cell the encoding
    cannot hold. Nothing is replaced or dropped silently.
    """
    bound = bind_columns(profile, form)
    codec = profile.encoding.check_codec
    lines: list[list[str]] = [[b.name for b in bound]] if profile.header else []
    problems: list[UnencodableCell] = []
    neutralised: list[NeutralisedCell] = []
    for record, row, cells, changed in _lines(profile, form, bound, records):
        problems.extend(_unencodable(codec, record, row, bound, cells))
        neutralised.extend(changed)
        lines.append(cells)
    if problems:
        raise ExportEncodingError(profile.encoding.value, problems)
    text = "".join(_line(cells, profile) for cells in lines)
    return Rendered(text.encode(profile.encoding.value), tuple(neutralised))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        view = view[written:]


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        # A hard link fails if the target exists, with no window in which another writer's
        # file could be replaced.
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        # Some shares (SMB, FAT) have no hard links; the check below then has a small race.
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(tmp, target)
        return
    with contextlib.suppress(OSError):
        tmp.unlink()


def write_atomic(
    path: Path | str, data: bytes, *, overwrite: bool = False, mode: int | None = None
) -> str:
    """Write ``data`` to ``path`` all at once; return its SHA-256 (hex).

    The bytes go to a hidden temporary file in the same folder (``.NAME.XXXX.part``), are
    flushed to disk, and the file is renamed to ``path``. On any failure, an interrupt
    included, the temporary file is removed and ``path`` is untouched; only a killed process
    can leave a ``.part`` file behind, never a partial ``path``. An existing ``path`` is an
    error unless ``overwrite``. The file gets ``mode`` if given, else owner-only access
    (exports hold personal data). Raises :class:`~ocr_pipeline.errors.OutputUnwritableError`.
    """
    target = Path(path)
    folder = target.parent
    digest = hashlib.sha256(data).hexdigest()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputUnwritableError(
            f"{target}: cannot create a file in {folder}: {exc.strerror or exc}",
            "Check that the folder exists and that this user may write to it.",
        ) from exc
    tmp = Path(tmp_name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if mode is not None:
            os.chmod(tmp, mode)
        _publish(tmp, target, overwrite)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise OutputUnwritableError(
                f"{target} already exists",
                "Choose another file name or folder; an export file is never overwritten.",
            ) from exc
        if isinstance(exc, OSError):
            raise OutputUnwritableError(
                f"{target}: cannot be written: {exc.strerror or exc}",
                "Check the free space and permissions of the folder, then export again.",
            ) from exc
        raise
    fsync_dir(folder)
    log.debug("wrote %s (%d bytes, sha256 %s)", target, len(data), digest)
    return digest

"""CSV export of approved records for the core systems (基幹系), driven by profiles as data.

A profile (one YAML file per core system, :mod:`.profile`) fixes the encoding, line ending,
header, quoting, columns and how dates, choices and checkboxes are written. The export is
pure: :func:`render` turns a profile, its form and records into bytes, the same bytes every
time (cells a spreadsheet would run as formulas get a leading ``'``, :mod:`.formulas`);
:func:`write_atomic` puts them on disk all at once and returns their SHA-256. Keeping
the ledger (who exported which records when) is the store's job, not this package's::

    profiles = ProfileRegistry.from_dirs(settings_profile_dirs)
    profile = profiles.get("water_service_cp932")
    form = forms.get(profile.form).spec
    data = render(profile, form, records)          # raises before anything is written
    sha256 = write_atomic(folder / "water.csv", data)
"""

from __future__ import annotations

from .cells import format_date
from .check import BoundColumn, bind_columns, check_profile
from .csvwrite import Rendered, render, render_report, write_atomic
from .errors import (
    ExportEncodingError,
    ExportError,
    ExportValueError,
    ProfileInvalidError,
    RecordMismatchError,
    UnencodableCell,
    UnknownProfileError,
)
from .formulas import NeutralisedCell, neutralise
from .profile import (
    ChoiceStyle,
    Column,
    DateFormat,
    Encoding,
    ExportProfile,
    LineEnding,
    Meta,
    Quoting,
)
from .record import ExportRecord
from .registry import (
    BUILTIN_PROFILES_DIR,
    ProfileDefinition,
    ProfileRegistry,
    load_profile,
    parse_profile,
)

__all__ = [
    "BUILTIN_PROFILES_DIR",
    "BoundColumn",
    "ChoiceStyle",
    "Column",
    "DateFormat",
    "Encoding",
    "ExportEncodingError",
    "ExportError",
    "ExportProfile",
    "ExportRecord",
    "ExportValueError",
    "LineEnding",
    "Meta",
    "NeutralisedCell",
    "ProfileDefinition",
    "ProfileInvalidError",
    "ProfileRegistry",
    "Quoting",
    "RecordMismatchError",
    "Rendered",
    "UnencodableCell",
    "UnknownProfileError",
    "bind_columns",
    "check_profile",
    "format_date",
    "load_profile",
    "neutralise",
    "parse_profile",
    "render",
    "render_report",
    "write_atomic",
]

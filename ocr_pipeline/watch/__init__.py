"""The watched folder (``formocr watch``): scans dropped into an inbox become documents in the
store, or are set aside with a note a clerk can read. Nothing is lost or read twice, whatever
stops the watcher.

::

    INBOX/<tenant>/scan.pdf                 form recognised per page
    INBOX/<tenant>/<form_id>/scan.pdf       form given
    ARCHIVE/<tenant>/<sha[:2]>/<sha>/<name> every file taken (later drops of the same bytes in
                                            .../<sha>/duplicates/)
    QUARANTINE/<tenant>/<name>              refused, with <name>.error.json beside it

The folders come from the settings ``inbox_dir``, ``archive_dir`` and ``quarantine_dir``
(default ``runtime/{inbox,archive,quarantine}`` in ``data_dir``).

A file's way: it settles (:mod:`.settle`), is hashed and recorded in the store, moved to the
archive and queued (:mod:`.intake`); a worker process (:mod:`.pool`, :mod:`.worker`) claims it
with a lease, reads every page through a :class:`FileProcessor` (the pipeline), saves pages and
documents and completes the item — or quarantines the file (:mod:`.quarantine`, clerk's words
in :mod:`.messages`). :mod:`.recover` puts things right after a crash. One
:class:`FileOutcome` per file goes to the ``report`` sink (the CLI prints
:meth:`FileOutcome.line` on stderr).

Public API::

    Watcher(settings, WatchOptions(...), report=callable, processor_factory=...)
        .run(stop_event) -> RunSummary;  .ready (Event);  .wait_idle(timeout) -> bool
    WatchOptions.from_settings(settings, once=True, workers=1, settle=0.2, ...)
    WatchPaths.from_settings(settings)   # inbox / archive / quarantine folders
    drop_file(inbox, tenant, name, data=... | source=..., form_id=None) -> Path
    FileOutcome, Outcome, RunSummary, QuarantineNote, backlog(store)
    FileProcessor, ProcessedFile, pipeline_processor
    QuarantineCode, HandBackCode          # stable codes (stored; see .codes)
    explain(code, refusal=None), explain_error_pages(pages, total=None) -> Explanation
                                          # the clerk's Japanese words (see .messages)
"""

from __future__ import annotations

from .codes import HandBackCode, QuarantineCode
from .drop import drop_file
from .layout import InboxEntry, Refusal
from .messages import Explanation, explain, explain_error_pages
from .options import RunSummary, WatchFatalError, WatchOptions
from .outcome import FileOutcome, Outcome
from .paths import WatchPaths
from .processor import FileProcessor, ProcessedFile, ProcessorFactory, pipeline_processor
from .quarantine import NOTE_SUFFIX, QuarantineNote
from .status import backlog
from .watcher import Watcher

__all__ = [
    "NOTE_SUFFIX",
    "Explanation",
    "FileOutcome",
    "FileProcessor",
    "HandBackCode",
    "InboxEntry",
    "Outcome",
    "ProcessedFile",
    "ProcessorFactory",
    "QuarantineCode",
    "QuarantineNote",
    "Refusal",
    "RunSummary",
    "WatchFatalError",
    "WatchOptions",
    "WatchPaths",
    "Watcher",
    "backlog",
    "drop_file",
    "explain",
    "explain_error_pages",
    "pipeline_processor",
]

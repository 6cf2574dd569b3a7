"""The watcher's stable codes: why a file was quarantined, why a claimed file was handed back.

The values are stored (``.error.json``, the store's ``error`` of a source file or work item)
and shown in logs, so they never change; the clerk's Japanese words for the quarantine codes
are in :mod:`.messages`. Why the reader refused a file is
:class:`~ocr_pipeline.errors.RefusalCode`, carried on the error.
"""

from __future__ import annotations

from enum import StrEnum


class QuarantineCode(StrEnum):
    """Why a file was set aside in the quarantine (the ``code`` of its ``.error.json``)."""

    UNREADABLE = "unreadable"  # the reader refused it (its RefusalCode says why)
    SYMLINK = "symlink"  # the inbox entry is a symbolic link: never followed
    UNKNOWN_FORM_FOLDER = "unknown_form_folder"  # in a folder that names no known form
    UNKNOWN_FORM = "unknown_form"  # the folder's form is not registered with the reader
    NESTED_FOLDER = "nested_folder"  # a folder inside a form folder
    NOT_REGULAR = "not_regular"  # a FIFO, socket or device
    DUPLICATE_OF_QUARANTINED = "duplicate_of_quarantined"  # the same bytes were set aside
    CRASHED = "crashed"  # its worker died or failed on it max_crashes times
    MISSING_FILE = "missing_file"  # its archived copy is gone
    VANISHED = "vanished"  # recorded, then removed from the inbox before it was archived


NEVER_READ = frozenset({QuarantineCode.VANISHED, QuarantineCode.MISSING_FILE})
"""Codes of files lost before they were read: the same bytes dropped again are read."""


class HandBackCode(StrEnum):
    """Why a claimed work item went back to the queue (the ``code`` of its ``error``); the
    item is claimed again, so no clerk sees these."""

    HANDED_BACK = "handed_back"  # the worker was stopping
    POPPLER_MISSING = "poppler_missing"  # an installation fault: the watcher stops
    TRANSIENT = "transient"  # a passing fault (store unreachable, disk full)
    ERROR = "error"  # an unexpected exception; counts as a crash
    WORKER_DIED = "worker_died"  # its worker process died on it; counts as a crash
    WORKER_GONE = "worker_gone"  # its worker stopped without a crash (recycled to load changed
    # forms, stopped with the watcher, or left over from a watcher that was killed)
    LEASE_RAN_OUT = "lease_ran_out"  # its worker stopped renewing the lease (its machine died or
    # was cut off; task_backend = celery); counts as a crash

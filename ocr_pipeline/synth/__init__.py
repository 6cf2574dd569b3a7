"""Synthetic filled forms that look like real scans, with ground truth.

``synthesize`` writes scans of a form filled with realistic, consistent values (real
addresses with their postal codes, names with readings, valid 個人番号) in print or
handwriting, degraded like a multi-function printer's scans, and a truth JSON per file
(the export values, the review reasons a correct pipeline must raise, and what the scanner
did). The other functions are the parts, for tests that compose their own documents.

Truth file ``<stem>.truth.json``, one entry per page of the scan::

    {"pages": [
      {"form": "furusato_onestop", "form_version": 1,
       "fields": {"name": "山田　太郎", "birth_date": "1977-10-09", "donation_amount": 30000,
                  "is_eligible_donor": true, "my_number": "150244400100", ...},
       "expect_review": {"my_number": "mynumber_check_digit"},
       "style": "hand", "font": "setofont.ttf", "ink": "blue",
       "degrade": {"level": "mild", "dpi": 300, "color": "grey", "angle": -0.42, ...}},
      {"form": null, "status": "blank", "fields": {}, "degrade": {"level": "mild", "dpi": 300}}
    ]}

``fields`` holds every field of the form (table cells as TABLE.ROW.COLUMN) in export
form: what a careful clerk would key, ``null`` when empty or when the written date does
not exist. ``expect_review`` lists the reasons a correct pipeline must raise because of
what is written (``mynumber_check_digit``, ``invalid_date``, ``variant_kanji_risk``); it
leaves out reasons that follow from the schema alone (``review_policy``).
"""

from __future__ import annotations

from .fill import ink_zones
from .foreign import foreign_page
from .generate import document_rng, render_page, synth_page, synthesize
from .options import Degrade, OutFormat, Style, SynthOptions
from .scan import blank_page, degrade_page
from .writers import blank_truth, foreign_truth, truth_path, write_document
from .writing import Writing

__all__ = [
    "Degrade",
    "OutFormat",
    "Style",
    "SynthOptions",
    "Writing",
    "blank_page",
    "blank_truth",
    "degrade_page",
    "document_rng",
    "foreign_page",
    "foreign_truth",
    "ink_zones",
    "render_page",
    "synth_page",
    "synthesize",
    "truth_path",
    "write_document",
]

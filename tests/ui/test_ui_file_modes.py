"""The review UI's process makes owner-only files (``review_ui/app.py`` sets umask 077): a
clerk's upload lands in the inbox as 0600 in 0700 folders, whatever umask it started with."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.ui.conftest import OpenApp, UiWorld


def test_an_upload_through_the_ui_is_owner_only(open_app: OpenApp, ui: UiWorld) -> None:
    os.umask(0o022)
    at = open_app("clerk-a")
    at.file_uploader(key="up_files").set_value([("scan.pdf", b"%PDF-1.4 x", "application/pdf")])
    at.button(key="up_submit").click().run()
    inbox = Path(ui.root) / "data" / "runtime" / "inbox"
    (uploaded,) = (inbox / "town-a").iterdir()
    assert stat.S_IMODE(uploaded.stat().st_mode) == 0o600
    assert stat.S_IMODE((inbox / "town-a").stat().st_mode) == 0o700
    assert stat.S_IMODE(inbox.stat().st_mode) == 0o700

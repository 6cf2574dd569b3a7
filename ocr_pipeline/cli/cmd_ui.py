"""``formocr ui``: start the Streamlit review UI (``streamlit run review_ui/app.py``) on this
installation's store, after bringing the store's schema up to date."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import BadArgumentsError
from ..ingest.limits import MAX_UPLOAD_MB
from ..store import database_url, upgrade
from ..store.api import default_keys
from .common import add_settings_args, settings_from

log = logging.getLogger(__name__)

UI_FONTS = (
    "'Noto Sans CJK JP', 'Noto Sans JP', 'Yu Gothic UI', 'Yu Gothic', Meiryo, "
    "'Hiragino Sans', sans-serif"
)
"""The review UI's font stack, for body text and headings alike: Japanese UI fonts the
system has (Debian's fonts-noto-cjk on the server, Yu Gothic / Meiryo on Windows clients),
never a remote font and never whatever handwriting font fontconfig would pick for bold CJK."""
UI_CODE_FONTS = "'Noto Sans Mono CJK JP', monospace"


def app_path() -> Path:
    """The review UI's entry script (``review_ui/app.py`` of the installed package)."""
    return Path(str(resources.files("review_ui") / "app.py"))


def register(sub: Any) -> None:
    p = sub.add_parser("ui", help="start the review UI (Streamlit) in the browser")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 for every network interface)",
    )
    add_settings_args(p, engine=False)
    p.set_defaults(func=run_ui)


def streamlit_command(port: int, address: str) -> list[str]:
    """``streamlit run`` with the review UI's server settings: no usage statistics (the
    network may be closed), no browser started, no reloading on file changes, no "magic" (a
    bare string in a page would be shown to the user), no error details in the browser (the
    app shows its own message with a reference to the log), the Japanese font stack of the
    system (nothing is fetched from outside the machine) and the upload size limit."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.runOnSave",
        "false",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--theme.base",
        "light",
        "--theme.font",
        UI_FONTS,
        "--theme.headingFont",
        UI_FONTS,
        "--theme.codeFont",
        UI_CODE_FONTS,
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
        "--runner.magicEnabled",
        "false",
    ]


def run_ui(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise BadArgumentsError(f"port {args.port} is not a port", "use 1-65535, e.g. 8501")
    settings, _ = settings_from(args)
    url = database_url(settings)
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(url, keys=default_keys(settings.data_dir))
    env = dict(os.environ)
    if args.forms_dir:  # the app reads its settings from the environment, like formocr does
        env["FORMOCR_FORMS_DIR"] = os.pathsep.join(str(d) for d in args.forms_dir)
    host = "localhost" if args.address in ("127.0.0.1", "0.0.0.0") else args.address
    sys.stderr.write(f"formocr: review UI on http://{host}:{args.port}/ (Ctrl+C stops it)\n")
    proc = subprocess.Popen(streamlit_command(args.port, args.address), env=env)
    # A service manager stops formocr with SIGTERM: pass it on, so no server is left behind.
    previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)

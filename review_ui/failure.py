"""What a person sees when a page fails: one message in Japanese with a short reference, never
the exception (file paths, values, "Ask Google" links). The administrator finds the reference
in the log of ``formocr ui`` next to the traceback.

``client.showErrorDetails = false`` (set by ``formocr ui``) keeps Streamlit's own details out of
the browser for anything that escapes this, e.g. a failure inside a button callback.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

import streamlit as st
from streamlit.navigation.page import StreamlitPage

log = logging.getLogger(__name__)

P = ParamSpec("P")


def new_reference() -> str:
    """A short random reference (8 hex digits) to quote to the administrator."""
    return secrets.token_hex(4)


def message(reference: str, what: str = "この画面を表示") -> str:
    """The Japanese message: ``what`` could not be done (e.g. ``"この画面を表示"``)."""
    return (
        f"エラーが発生したため、{what}できませんでした。画面を読み込み直して、"
        "もう一度操作してください。同じことが続くときは、管理者に次の参照番号を伝えてください。"
        f"\n\n参照番号: {reference}"
    )


def logged(what: str) -> str:
    """Log the exception being handled with a new reference; returns the reference."""
    reference = new_reference()
    log.exception("review UI: %s failed (reference %s)", what, reference)
    return reference


def run_page(build: Callable[[], StreamlitPage]) -> None:
    """Build the navigation and run the page; on an unexpected exception, log it and show the
    error message instead. Streamlit's own control flow (``st.stop``, ``st.rerun``,
    ``st.switch_page``) is a ``BaseException`` and passes through."""
    page: StreamlitPage | None = None
    # The page is drawn into one slot, so that a failure replaces what was drawn before it:
    # the person sees the message alone, not half a page.
    slot = st.empty()
    try:
        page = build()
        with slot.container():
            page.run()
    except Exception:
        reference = logged(f"page {page.url_path if page is not None else '(navigation)'}")
        slot.error(message(reference), icon=":material/error:")


def guarded(callback: Callable[P, None]) -> Callable[P, None]:
    """A button callback that, on an unexpected exception, logs it and shows the error
    message (with its reference) instead of Streamlit's."""

    @wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except Exception:
            reference = logged(f"action {callback.__name__}")
            st.session_state[PENDING_KEY] = (reference, "この操作を完了")

    return run


PENDING_KEY = "failure_reference"


def show_pending() -> None:
    """The error message of a callback that failed in this run, if one did."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if isinstance(pending, tuple):
        st.error(message(*pending), icon=":material/error:")

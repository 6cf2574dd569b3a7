"""Opening a page of the review UI in an AppTest by its address (``review``, ``queue``, ...).

The UI's pages are functions (:mod:`review_ui.navigation`), and ``AppTest.switch_page()`` finds
only pages that are files. Streamlit knows a page by the hash of its address (``st.Page``'s
``url_path``); AppTest keeps the pages the last run registered in ``_registered_pages`` and the
page its next run asks for in ``_page_hash``. This module is the only place the tests reach into
AppTest: :func:`goto` says so plainly when those attributes go, and every UI test that opens a
page fails if they change meaning.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash


def _title(name: str) -> str:
    """The page's title, which tells it from the login page registered at every address while
    nobody is logged in. (The UI is imported here, on use: a benchmark imports this module
    before it sets up the app's environment.)"""
    from review_ui.navigation import PAGES

    return {p.name: p.title for p in PAGES}.get(name, "ログイン" if name == "login" else name)


def goto(at: AppTest, name: str) -> AppTest:
    """Ask for the page ``name`` on ``at``'s next ``run()``, as ``switch_page`` does for a file.
    Raises :class:`ValueError` (as ``switch_page`` does) when the last run did not offer that
    page itself: a page a role may not use is not registered for it, and while nobody is logged
    in its address leads to the login page."""
    for private in ("_page_hash", "_registered_pages"):
        if not hasattr(at, private):
            raise RuntimeError(
                f"streamlit's AppTest no longer has {private}: update tests/ui/app_pages.py"
            )
    wanted = calc_hash(name)
    offered = at._registered_pages.get(wanted)
    if offered is None or offered.get("page_name") != _title(name):
        known = sorted(str(i.get("url_pathname")) for i in at._registered_pages.values())
        raise ValueError(f"Could not find a navigation page {name!r}. Known pages: {known}.")
    at._page_hash = wanted
    return at

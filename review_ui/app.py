"""The review UI's entry point (``formocr ui`` runs ``streamlit run`` on this file). It only
sets up the page, the login gate and the navigation for the user's role; each page is a
function, ``render()`` of its file in ``screens/``, that the navigation runs.

pandas and altair are imported here, by the first run of the app, so that two pages running at
once (reruns of two sessions) never import them half-way in parallel: a chart drawn during
another session's import fails with "partially initialized module 'pandas'".
"""

from __future__ import annotations

import importlib

import streamlit as st

from ocr_pipeline.filemodes import private_umask
from review_ui import auth, failure, navigation, style

private_umask()  # uploads, drawn forms, exports: owner-only, also when run by streamlit itself
for module in ("pandas", "altair"):  # see the module docstring
    importlib.import_module(module)
# The tab's icon is an emoji (drawn by the browser): a ":material/..." icon would make the
# browser fetch it from fonts.gstatic.com, and nothing may leave the machine.
st.set_page_config(page_title="formocr 確認・修正", page_icon="📋", layout="wide")
# Streamlit's own English texts (input hints, the uploader's) are hidden or said in Japanese.
st.html(style.CSS)
failure.show_pending()
failure.run_page(lambda: navigation.build(auth.session_user()))

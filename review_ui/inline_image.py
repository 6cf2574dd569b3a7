"""Resident images shown inline: the picture travels inside the page's own message as a
``data:`` URI, so no ``/media/...`` address exists for it.

``st.image`` would serve the bytes at a ``/media/<id>.png`` URL that answers anyone who has it
(no session is checked) while the page is open. Here the ``<img>`` tag is built from the bytes
and an escaped caption only; nothing a user typed becomes markup.
"""

from __future__ import annotations

import base64
import html

import streamlit as st

MARKER = "formocr-inline-image"
"""The class of every inline image (tests find the images by it)."""


def data_uri(png: bytes) -> str:
    """The PNG as a ``data:image/png;base64,...`` URI."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(png: bytes, caption: str, alt: str) -> str:
    """The ``<figure>`` markup: the image at its own size (never wider than the column) and
    the caption below it, both escaped."""
    return (
        f"<figure class='{MARKER}' style='margin:0 0 0.5rem 0'>"
        f"<img src='{data_uri(png)}' alt='{html.escape(alt, quote=True)}' "
        "style='max-width:100%;height:auto;display:block'/>"
        "<figcaption style='font-size:0.875rem;color:rgba(49,51,63,0.6)'>"
        f"{html.escape(caption)}</figcaption></figure>"
    )


def show(png: bytes, caption: str, alt: str = "") -> None:
    """Draw the image with its caption in the current container."""
    st.html(figure(png, caption, alt or caption))

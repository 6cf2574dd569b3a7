"""User- and file-provided text (file names, 返戻 reasons, comments, user and form names,
field labels) put into Streamlit Markdown as plain text: no bold, no links, no headings.

Streamlit renders the text of ``st.markdown``, ``st.caption``, ``st.info`` and the labels of
buttons and expanders as Markdown. :func:`md` backslash-escapes every ASCII punctuation
character (CommonMark allows an escape before any of them), so ``**x**`` shows as ``**x**``
and ``[a](http://x)`` as text, not a link. Line breaks are kept as spaces: a line break in a
name or reason could otherwise start a heading or a list.
"""

from __future__ import annotations

import string

_PUNCTUATION = frozenset(string.punctuation)


def md(text: object) -> str:
    """``text`` escaped for Streamlit Markdown, shown exactly as written (on one line)."""
    out = []
    for ch in str(text):
        if ch in _PUNCTUATION:
            out.append("\\" + ch)
        elif ch in "\r\n\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)

"""Numbers typed by people or put in a URL (書類番号 ``?doc=12``): ASCII digits only.

``str.isdigit`` accepts ``¹`` or ``٣``, which ``int`` then refuses (or reads as another
number); here fullwidth digits (``１２``, typed with a Japanese input method) are read as
the digits they are and anything else that is not ``0-9`` is refused.
"""

from __future__ import annotations

MAX_DIGITS = 18
"""A document number fits a signed 64-bit integer."""

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def whole_number(text: str | None, max_digits: int = MAX_DIGITS) -> int | None:
    """``text`` (spaces around it ignored, fullwidth digits allowed) as a non-negative
    integer of at most ``max_digits`` digits; ``None`` for anything else."""
    if text is None:
        return None
    digits = text.strip().translate(_FULLWIDTH)
    if not digits or len(digits) > max_digits:
        return None
    if not all("0" <= c <= "9" for c in digits):
        return None
    return int(digits)

"""A prior over the recognizer's characters for Japanese forms.

PP-OCRv6 reads Chinese as well as Japanese: of its 18,708 classes about 6,800 exist in
Japanese encodings, and where a Japanese common form has a traditional or old twin (緑/綠,
徳/德, 穂/穗) the model often prefers the twin. Weighting the classes before decoding fixes
most of this without a language model:

- characters that Windows-31J (CP932, what Japanese core systems exchange) cannot hold never
  appear on these forms (亚, 户): weight 0;
- a kanji outside JIS X 0208 level 1 whose variant family (``ja-itaiji``) has a level-1
  member is the rarer form of that member: weight ``RARE`` - it still wins when the writing
  clearly shows it (髙 stays 髙 when written plainly), and the reading is flagged for review
  when the twin was close (see ``extract.interpret``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from ja_itaiji import Itaiji
from numpy.typing import NDArray

RARE = 0.3


def _cp932(c: str) -> bool:
    try:
        c.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=20000)
def jis_level(c: str) -> int:
    """1 or 2 for JIS X 0208 kanji levels, 0 for anything else."""
    try:
        b = c.encode("euc_jp")
    except UnicodeEncodeError:
        return 0
    if len(b) != 2 or not 0xB0 <= b[0] <= 0xF4:
        return 0
    return 1 if b[0] <= 0xCF else 2


def _is_kanji(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def weight(c: str) -> float:
    """The prior weight of one character (see module doc)."""
    if len(c) != 1 or c.isspace():
        return 1.0
    if not _cp932(c):
        return 0.0
    if _is_kanji(c) and jis_level(c) != 1:
        family = Itaiji.get_family(c)
        if any(f != c and jis_level(f) == 1 for f in family):
            return RARE
    return 1.0


def japanese_prior(characters: tuple[str, ...]) -> NDArray[np.float32]:
    """Weights for a recognizer's classes (class 0, the CTC blank, keeps weight 1)."""
    w = np.array([1.0] + [weight(c) for c in characters[1:]], dtype=np.float32)
    return w

"""Font faces the synthesizer may use, glyph coverage and cached loading.

Only the faces named here (or passed explicitly) are ever opened: the handwriting fonts
used to evaluate the pipeline must stay unseen by the synthesizer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from ..errors import BadArgumentsError

_OPENTYPE = Path("/usr/share/fonts/opentype")


@dataclass(frozen=True)
class FontFace:
    """A font file and, for collections (.ttc), the index of the Japanese face."""

    path: Path
    index: int = 0

    @property
    def name(self) -> str:
        return self.path.name


PRINT_FACES: tuple[FontFace, ...] = (
    FontFace(_OPENTYPE / "ipaexfont-gothic/ipaexg.ttf"),
    FontFace(_OPENTYPE / "ipaexfont-mincho/ipaexm.ttf"),
    FontFace(_OPENTYPE / "noto/NotoSansCJK-Regular.ttc", 0),
    FontFace(_OPENTYPE / "noto/NotoSerifCJK-Regular.ttc", 0),
)
HAND_FACES: tuple[FontFace, ...] = (FontFace(Path("/usr/share/fonts/truetype/seto/setofont.ttf")),)
# Tried in order when a face lacks a character (e.g. 𠮷 or 﨑 in a handwriting font).
FALLBACK_FACES: tuple[FontFace, ...] = (PRINT_FACES[0], PRINT_FACES[2])
STAMP_FACE = PRINT_FACES[1]

_NOT_A_CHAR = "\U0010fffd"


def available(faces: tuple[FontFace, ...]) -> tuple[FontFace, ...]:
    """The faces whose files exist; raises when none does."""
    found = tuple(f for f in faces if f.path.is_file())
    if not found:
        names = ", ".join(str(f.path) for f in faces)
        raise BadArgumentsError(
            f"none of the fonts exists: {names}",
            "Install the Debian packages fonts-ipaexfont and fonts-noto-cjk (and fonts-seto for "
            "handwriting), or pass existing font files with --font.",
        )
    return found


def faces_from_paths(paths: tuple[Path, ...]) -> tuple[FontFace, ...]:
    """Font files given by the user; collections use their first face."""
    return available(tuple(FontFace(Path(p)) for p in paths))


@lru_cache(maxsize=512)
def load(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    """The face at ``size`` pixels per em (cached)."""
    return ImageFont.truetype(str(face.path), max(1, size), index=face.index)


@lru_cache(maxsize=8192)
def has_glyph(face: FontFace, char: str) -> bool:
    """Whether ``face`` draws ``char`` with a glyph of its own (not the .notdef box)."""
    if char.isspace():
        return True
    font = load(face, 32)
    missing = font.getmask(_NOT_A_CHAR)
    mask = font.getmask(char)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


def face_for(face: FontFace, char: str) -> FontFace:
    """``face`` when it has ``char``, else the first fallback face that has it."""
    if has_glyph(face, char):
        return face
    for fallback in FALLBACK_FACES:
        if fallback.path.is_file() and has_glyph(fallback, char):
            return fallback
    return face

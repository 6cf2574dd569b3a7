"""Pixel-level drawing on a blank A4 template, at 200 dpi unless told otherwise.

Every box here is ``(x0, y0, x1, y1)`` with ``x1``/``y1`` exclusive, the same convention as
``form.yaml`` (a zone is the crop ``image[y0:y1, x0:x1]``). Lines are drawn as filled
rectangles so their pixels are exact: a ruled box of outer edges ``b`` and line width ``w``
leaves the writing space ``inset(b, w)`` untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..spec import BBox

DPI = 200
A4_SIZE = (1654, 2339)  # 210 x 297 mm at 200 dpi
A4_MM = (210, 297)

Color = tuple[int, int, int]
WHITE: Color = (255, 255, 255)
BLACK: Color = (0, 0, 0)
DARK_TEAL: Color = (0, 92, 96)  # greyscale ~65: survives a greyscale scan
SHADE: Color = (232, 232, 232)  # header cells; light enough not to be taken for ink


class DesignError(RuntimeError):
    """The designer cannot draw a form (missing font, widget that does not fit)."""


class Face(Enum):
    """Font faces from the Debian packages fonts-ipaexfont-gothic / -mincho."""

    GOTHIC = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
    MINCHO = "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"


@cache
def font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    path = Path(face.value)
    if not path.is_file():
        raise DesignError(
            f"font {path} is missing; install the Debian package fonts-ipaexfont "
            "(the templates must be drawn with the same font to stay byte-identical)"
        )
    return ImageFont.truetype(str(path), size)


def a4_size(dpi: int) -> tuple[int, int]:
    """(width, height) in pixels of an A4 page at ``dpi``."""
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


def inset(b: BBox, d: int) -> BBox:
    """``b`` shrunk by ``d`` on every side (grown when ``d`` is negative)."""
    return (b[0] + d, b[1] + d, b[2] - d, b[3] - d)


class Canvas:
    """A white A4 page and the drawing calls the widgets are made of."""

    def __init__(
        self, ink: Color = BLACK, size: tuple[int, int] | None = None, dpi: int = DPI
    ) -> None:
        self.ink = ink
        self.dpi = dpi
        if size is None:
            size = A4_SIZE if dpi == DPI else a4_size(dpi)
        self.width, self.height = size
        self.image = Image.new("RGB", size, WHITE)
        self._draw = ImageDraw.Draw(self.image)

    def px(self, at_200_dpi: int) -> int:
        """A length given in pixels at 200 dpi (the designer's sizes) in this canvas's pixels:
        the same on a 200-dpi page, scaled on a page drawn at another resolution."""
        if self.dpi == DPI:
            return at_200_dpi
        return max(1, round(at_200_dpi * self.dpi / DPI))

    # -- lines and areas -------------------------------------------------------------------
    def fill(self, b: BBox, color: Color | None = None) -> None:
        """Fill ``b`` (exclusive end) with ``color`` (the ink by default)."""
        if b[2] <= b[0] or b[3] <= b[1]:
            return
        self._draw.rectangle((b[0], b[1], b[2] - 1, b[3] - 1), fill=color or self.ink)

    def hline(self, x0: int, x1: int, y: int, width: int = 2, dash: int = 0) -> None:
        """Horizontal rule covering rows ``y .. y+width-1``; ``dash`` > 0 draws dashes."""
        self._rule(x0, x1, lambda a, b: (a, y, b, y + width), dash)

    def vline(self, x: int, y0: int, y1: int, width: int = 2, dash: int = 0) -> None:
        """Vertical rule covering columns ``x .. x+width-1``; ``dash`` > 0 draws dashes."""
        self._rule(y0, y1, lambda a, b: (x, a, x + width, b), dash)

    def _rule(self, start: int, end: int, box: Callable[[int, int], BBox], dash: int) -> None:
        if dash <= 0:
            self.fill(box(start, end))
            return
        pos = start
        while pos < end:
            self.fill(box(pos, min(pos + dash, end)))
            pos += 2 * dash

    def frame(self, b: BBox, width: int = 2) -> BBox:
        """Rule the four sides of ``b`` inside its edges; returns the untouched interior."""
        x0, y0, x1, y1 = b
        self.fill((x0, y0, x1, y0 + width))
        self.fill((x0, y1 - width, x1, y1))
        self.fill((x0, y0, x0 + width, y1))
        self.fill((x1 - width, y0, x1, y1))
        return inset(b, width)

    # -- text --------------------------------------------------------------------------------
    def text_width(self, s: str, size: int, face: Face = Face.GOTHIC) -> int:
        return round(font(face, size).getlength(s))

    def text(
        self,
        x: int,
        y: int,
        s: str,
        size: int,
        *,
        face: Face = Face.GOTHIC,
        anchor: str = "lm",
        color: Color | None = None,
    ) -> BBox:
        """Draw ``s`` at ``(x, y)`` (PIL anchor, default left-middle); returns its ink box."""
        f = font(face, size)
        self._draw.text((x, y), s, font=f, fill=color or self.ink, anchor=anchor)
        x0, y0, x1, y1 = self._draw.textbbox((x, y), s, font=f, anchor=anchor)
        return (int(x0), int(y0), int(x1), int(y1))

    def vertical_text(self, cx: int, cy: int, s: str, size: int, pitch: float = 1.25) -> None:
        """Characters stacked top to bottom, centred on ``(cx, cy)`` (縦書きの見出し)."""
        step = round(size * pitch)
        top = cy - (step * (len(s) - 1)) // 2
        for i, ch in enumerate(s):
            self.text(cx, top + i * step, ch, size, anchor="mm")

    def wrapped(
        self, x: int, y: int, s: str, size: int, *, max_width: int, leading: float = 1.5
    ) -> int:
        """Draw ``s`` from ``(x, y)`` (top), breaking lines to ``max_width``; returns the next y.

        Japanese text breaks between any two characters; a line never starts with 、 or 。.
        """
        lines: list[str] = []
        line = ""
        for ch in s:
            if line and self.text_width(line + ch, size) > max_width and ch not in "、。）":
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
        step = round(size * leading)
        for i, ln in enumerate(lines):
            self.text(x, y + i * step, ln, size, anchor="lt")
        return y + len(lines) * step

    # -- output ----------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """PNG with the dpi recorded and no other metadata, so re-runs are byte-identical."""
        self.image.save(
            path, format="PNG", dpi=(self.dpi, self.dpi), optimize=False, compress_level=9
        )

"""Scanner effects: what a multi-function printer does to a filled page.

``degrade_page`` applies, in order: resampling from the 200-dpi template to the scan dpi
together with a small rotation, scale and shift (one affine warp); quarter turns (upside
down, sideways); uneven brightness and faint print (hard only); blur; sensor noise;
speckles. It returns what it applied, for the truth file.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .canvas import Image
from .options import Degrade

TEMPLATE_DPI = 200
A4_MM = (210, 297)
PAPER = 250  # scanner lid and paper background


@dataclass(frozen=True)
class Level:
    """Ranges of one degradation level. ``max_*`` are ± bounds."""

    max_angle: float
    max_shift: int  # template pixels
    max_scale: float
    blur: tuple[float, float]
    noise: tuple[float, float]
    speckles: tuple[int, int]
    contrast: tuple[float, float]
    jpeg_quality: tuple[int, int]
    upside_down: float
    sideways: float
    streaks: float
    white_clip: float  # chance that the scanner whitens the paper background
    grey: float = 0.6
    dpis: tuple[int, ...] = (200, 300)


LEVELS: dict[Degrade, Level] = {
    Degrade.MILD: Level(
        max_angle=1.0,
        max_shift=15,
        max_scale=0.01,
        blur=(0.0, 0.5),
        noise=(0.8, 2.0),
        speckles=(0, 40),
        contrast=(1.0, 1.0),
        jpeg_quality=(85, 95),
        upside_down=0.10,
        sideways=0.0,
        streaks=0.0,
        white_clip=0.5,
    ),
    Degrade.HARD: Level(
        max_angle=3.0,
        max_shift=50,
        max_scale=0.03,
        blur=(0.5, 1.2),
        noise=(2.0, 5.0),
        speckles=(300, 2500),
        contrast=(0.55, 0.85),
        jpeg_quality=(50, 75),
        upside_down=0.20,
        sideways=0.05,
        streaks=0.3,
        white_clip=0.2,
    ),
}


def a4_size(dpi: int) -> tuple[int, int]:
    """(width, height) in pixels of an A4 page at ``dpi``."""
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


def _geometry(
    image: Image, rng: np.random.Generator, lv: Level, f: float
) -> tuple[Image, dict[str, object]]:
    """Resample by ``f`` with a small rotation, scale and shift (one warp)."""
    h, w = image.shape[:2]
    out_w, out_h = round(w * f), round(h * f)
    angle = float(rng.uniform(-lv.max_angle, lv.max_angle))
    scale = float(rng.uniform(1 - lv.max_scale, 1 + lv.max_scale))
    dx, dy = (float(v) * f for v in rng.uniform(-lv.max_shift, lv.max_shift, 2))
    m = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale * f), np.float64)
    m[:, 2] += (out_w / 2 - w / 2 + dx, out_h / 2 - h / 2 + dy)
    border = (PAPER,) * (1 if image.ndim == 2 else 3)
    warped = cv2.warpAffine(image, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=border)
    applied = {"angle": round(angle, 3), "scale": round(scale, 4), "shift": [round(dx), round(dy)]}
    return np.asarray(warped, np.uint8), applied


def _quarter_turns(image: Image, rng: np.random.Generator, lv: Level) -> tuple[Image, int]:
    """Upside down or sideways at the level's rates; returns counter-clockwise quarter turns."""
    r = rng.random()
    k = (
        2
        if r < lv.upside_down
        else int(rng.choice([1, 3]))
        if r < lv.upside_down + lv.sideways
        else 0
    )
    codes = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}
    return (np.asarray(cv2.rotate(image, codes[k]), np.uint8) if k else image), k


def _lighting(image: Image, rng: np.random.Generator, contrast: float) -> Image:
    """Faint print (ink and lines lose contrast) under uneven brightness."""
    h, w = image.shape[:2]
    faded = cv2.convertScaleAbs(image, alpha=contrast, beta=255.0 * (1.0 - contrast))
    coarse = rng.uniform(0.88, 1.0, (4, 3)).astype(np.float32) * 255.0
    smooth = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    light = np.clip(smooth, 0, 255).astype(np.uint8)  # cubic overshoots
    if image.ndim == 3:
        light = np.asarray(cv2.merge([light, light, light]), np.uint8)
    return np.asarray(cv2.multiply(faded, light, scale=1.0 / 255.0), np.uint8)


_NOISE_TILE = 1024


def add_noise(image: Image, rng: np.random.Generator, sigma: float) -> Image:
    """Sensor noise, the same on all channels (as luminance noise mostly is). A random
    tile is repeated from a random offset: generating a full 300-dpi field is slow."""
    h, w = image.shape[:2]
    tile = np.rint(rng.standard_normal((_NOISE_TILE, _NOISE_TILE), dtype=np.float32) * sigma)
    reps = (h // _NOISE_TILE + 2, w // _NOISE_TILE + 2)
    oy, ox = (int(v) for v in rng.integers(0, _NOISE_TILE, 2))
    noise = np.tile(tile.astype(np.int16), reps)[oy : oy + h, ox : ox + w]
    if image.ndim == 3:
        noise = noise[:, :, None]
    return np.asarray(np.clip(image.astype(np.int16) + noise, 0, 255), np.uint8)


def add_speckles(image: Image, rng: np.random.Generator, count: int) -> None:
    """Dust (dark dots) and drop-outs (white dots) of 1–2 pixels, in place."""
    h, w = image.shape[:2]
    ys, xs = rng.integers(0, h - 1, count), rng.integers(0, w - 1, count)
    dark = rng.random(count) < 0.7
    values = np.where(dark, rng.integers(0, 80, count), 255).astype(np.uint8)
    big = rng.random(count) < 0.4
    for oy, ox, which in ((0, 0, slice(None)), (1, 0, big), (0, 1, big), (1, 1, big)):
        image[ys[which] + oy, xs[which] + ox] = (
            values[which, None] if image.ndim == 3 else values[which]
        )


def _whiten(image: Image) -> Image:
    """Background removal as scanners do it: near-white becomes white, the rest is
    stretched so that ink keeps its darkness."""
    lut = np.clip(np.arange(256, dtype=np.float32) * 255.0 / 232.0, 0, 255).astype(np.uint8)
    return np.asarray(cv2.LUT(image, lut), np.uint8)


def _streaks(image: Image, rng: np.random.Generator) -> int:
    """Faint vertical lines from dirt on the scanner glass, in place; returns how many."""
    n = int(rng.integers(1, 4))
    w = image.shape[1]
    for x in rng.integers(0, w - 3, n):
        band = image[:, x : x + int(rng.integers(1, 4))].astype(np.int16) - int(
            rng.integers(15, 45)
        )
        image[:, x : x + band.shape[1]] = np.clip(band, 0, 255).astype(np.uint8)
    return n


def _photometric(
    page: Image, rng: np.random.Generator, lv: Level
) -> tuple[Image, dict[str, object]]:
    """Lighting, blur, noise, speckles, streaks and background removal, in that order."""
    contrast = float(rng.uniform(*lv.contrast))
    if contrast < 1.0:
        page = _lighting(page, rng, contrast)
    blur = float(rng.uniform(*lv.blur))
    if blur > 0.2:
        page = np.asarray(cv2.GaussianBlur(page, (0, 0), blur), np.uint8)
    sigma = float(rng.uniform(*lv.noise))
    page = add_noise(page, rng, sigma)
    speckles = int(rng.integers(lv.speckles[0], lv.speckles[1] + 1))
    add_speckles(page, rng, speckles)
    streaks = _streaks(page, rng) if rng.random() < lv.streaks else 0
    white_clip = bool(rng.random() < lv.white_clip)
    if white_clip:
        page = _whiten(page)
    applied: dict[str, object] = {
        "contrast": round(contrast, 3),
        "blur": round(blur, 3),
        "noise": round(sigma, 3),
        "speckles": speckles,
        "streaks": streaks,
        "white_clip": white_clip,
    }
    return page, applied


def degrade_page(
    image: Image,
    rng: np.random.Generator,
    level: Degrade,
    *,
    dpi: int | None = None,
    source_dpi: int = TEMPLATE_DPI,
) -> tuple[Image, dict[str, object]]:
    """Scan ``image`` (a clean BGR page at ``source_dpi``). Returns the scan (BGR, or 2-D
    when grey) and what was applied: level, dpi, color, angle (degrees, counter-clockwise),
    scale, shift (output pixels), rotation_90s (counter-clockwise quarter turns after that),
    upside_down, sideways, contrast, blur, noise, speckles, streaks, white_clip and
    jpeg_quality (for JPEG output). ``dpi`` forces the scan resolution (else 200 or
    300, or ``source_dpi`` when it is neither; level none returns the page as it is, at
    ``source_dpi``)."""
    if level is Degrade.NONE:
        return image.copy(), {
            "level": level.value,
            "dpi": source_dpi,
            "color": "colour",
            "angle": 0.0,
            "scale": 1.0,
            "shift": [0, 0],
            "rotation_90s": 0,
            "upside_down": False,
            "sideways": False,
            "jpeg_quality": 95,
        }
    lv = LEVELS[level]
    chosen = int(rng.choice(lv.dpis))
    # A town that draws its template at another resolution (150 dpi) scans at that one.
    dpi = dpi or (chosen if source_dpi in lv.dpis else source_dpi)
    grey = bool(rng.random() < lv.grey)
    page = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if grey and image.ndim == 3 else image
    page, geometry = _geometry(np.asarray(page, np.uint8), rng, lv, dpi / source_dpi)
    page, k = _quarter_turns(page, rng, lv)
    page, photometric = _photometric(page, rng, lv)
    applied: dict[str, object] = {
        "level": level.value,
        "dpi": dpi,
        "color": "grey" if page.ndim == 2 else "colour",
        **geometry,
        "rotation_90s": k,
        "upside_down": k == 2,
        "sideways": k in (1, 3),
        **photometric,
        "jpeg_quality": int(rng.integers(lv.jpeg_quality[0], lv.jpeg_quality[1] + 1)),
    }
    return page, applied


def blank_page(
    rng: np.random.Generator, level: Degrade, *, dpi: int = TEMPLATE_DPI, grey: bool = True
) -> Image:
    """An empty back side: paper with the level's noise and speckles and, when hard, a
    faint mirrored show-through of the front. Grey (2-D) unless ``grey`` is false."""
    w, h = a4_size(dpi)
    page = np.full((h, w), 255 if level is Degrade.NONE else PAPER, np.uint8)
    if level is not Degrade.NONE:
        lv = LEVELS[level]
        if level is Degrade.HARD:
            ghost = cv2.resize(
                rng.uniform(0, 1, (60, 8)).astype(np.float32),
                (w, h),
                interpolation=cv2.INTER_NEAREST,
            )
            page = np.asarray(
                page - (ghost > 0.7).astype(np.uint8) * np.uint8(rng.integers(2, 6)), np.uint8
            )
            page = np.asarray(cv2.GaussianBlur(page, (0, 0), 3.0), np.uint8)
        page = add_noise(page, rng, float(rng.uniform(*lv.noise)))
        add_speckles(page, rng, int(rng.integers(lv.speckles[0], lv.speckles[1] + 1)))
    return page if grey else np.asarray(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), np.uint8)

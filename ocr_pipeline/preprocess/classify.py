"""Which known form is this page? The template with the most geometrically consistent feature
matches, if it has enough of them; otherwise the page is of no known form.

Every template is tried (a few milliseconds each with a few thousand ORB features); the
RANSAC inlier count is the score, because forms share generic structure (ruled boxes) and only
a consistent placement of many matches tells one form from another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .features import Features
from .ink import Gray
from .register import Match, match_template, scaled_features
from .templates import TemplateModel

CLASSIFY_FEATURES = 800
"""Only the page's strongest features are matched against every template; registration then
matches all of them against the chosen form."""

MIN_CLASSIFY_INLIERS = 30
"""Measured on the built-in forms (800 page features): the right template gets 40-300
consistent matches (the low end on blurred, faded, heavily compressed scans), a wrong one
at most 25, a page of no known form at most 10..."""

CLEAR_LEAD = 2.5
"""...and the best form must lead the next by this factor."""

SECOND_LOOK = 12
"""A best match between this and the minimum is matched again with all page features."""


@dataclass(frozen=True)
class Classification:
    """Matches against every candidate form, best first; ``best`` is None when no form fits.
    ``features`` holds the page's features per template scale, for registration to reuse."""

    matches: list[Match]
    features: dict[float, Features]

    @property
    def best(self) -> Match | None:
        if not self.matches:
            return None
        top = self.matches[0]
        second = self.matches[1].inliers if len(self.matches) > 1 else 0
        if top.inliers >= MIN_CLASSIFY_INLIERS and top.inliers >= CLEAR_LEAD * second:
            return top
        return None

    def explain(self) -> str:
        """Why the page was (not) classified, for the page's ``reason``."""
        if not self.matches:
            return "no forms are defined"
        top = self.matches[0]
        if self.best is None:
            return (
                f"matches no known form (closest: {top.form_id} with {top.inliers} consistent "
                f"features; {MIN_CLASSIFY_INLIERS} needed): check that this form is defined, "
                "or give its form id"
            )
        return f"{top.form_id} ({top.inliers} consistent features)"


def template_scale(model: TemplateModel, dpi: float) -> float:
    """Factor from page pixels to the template's pixels."""
    return round(model.dpi / dpi, 4) if dpi > 0 else 1.0


def classify(gray: Gray, dpi: float, candidates: Sequence[TemplateModel]) -> Classification:
    """Score ``gray`` (scanned at ``dpi``) against each candidate template."""
    by_scale: dict[float, Features] = {}
    matches: list[Match] = []
    for model in candidates:
        scale = template_scale(model, dpi)
        if scale not in by_scale:
            by_scale[scale] = scaled_features(gray, scale)
        matches.append(match_template(by_scale[scale].strongest(CLASSIFY_FEATURES), model))
    matches.sort(key=lambda m: m.inliers, reverse=True)
    if matches and SECOND_LOOK <= matches[0].inliers < MIN_CLASSIFY_INLIERS:
        # A weak lead (blur, fading, heavy compression): look again with every feature.
        model = next(m for m in candidates if m.form.id == matches[0].form_id)
        again = match_template(by_scale[template_scale(model, dpi)], model)
        if again.inliers >= 2 * MIN_CLASSIFY_INLIERS:
            matches[0] = again
    return Classification(matches, by_scale)

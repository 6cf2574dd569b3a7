"""Fixtures shared by the whole suite.

- ``settings``: settings isolated from the caller's environment, with ``data_dir`` in a temporary
  folder (model links and work files never land in the repository).
- ``ocr_engine`` / ``engine_by_name`` / ``pipeline``: the real OCR engines and a pipeline, loaded
  once per session (a model load takes about a second).
- ``synth_scans``: a session folder of synthesised scans with truth files (every built-in form,
  printed and handwritten, mild degradation).
- every test starts and ends with the umask the session started with: ``formocr``'s entry
  point sets 0o077 for its process, which is this one when a test (or a session fixture)
  runs the CLI in-process.
- ``fake_engine`` / ``reading``: a scripted :class:`~ocr_pipeline.engines.OcrEngine` for testing
  the code around OCR. It is never used to measure OCR.

Nothing here runs at import time beyond reading the umask and defining fixtures and the fake
engine class.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.engines import Image, OcrEngine, Recognition, create_engine
from ocr_pipeline.pipeline import Pipeline
from ocr_pipeline.preprocess.ink import Gray, to_gray
from ocr_pipeline.preprocess.register import Registration, register, scaled_features
from ocr_pipeline.preprocess.templates import TemplateModel, template_model
from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.synth import (
    Degrade,
    OutFormat,
    Style,
    SynthOptions,
    render_page,
    synthesize,
)

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
DIGITS = frozenset("0123456789")

Script = Callable[[int, Image, frozenset[str] | None], Recognition]


def make_reading(
    text: str,
    confidence: float = 0.99,
    char_confidences: Sequence[float] | None = None,
    alternatives: Sequence[tuple[tuple[str, float], ...]] | None = None,
) -> Recognition:
    """A reading as a CTC backend would give it: one confidence and one evenly spread position
    per character; ``confidence`` is the weakest character's unless given per character."""
    n = len(text)
    confs = tuple(char_confidences) if char_confidences is not None else (confidence,) * n
    return Recognition(
        text=text,
        confidence=min(confs) if confs else confidence,
        char_confidences=confs,
        char_positions=tuple((i + 0.5) / n for i in range(n)),
        alternatives=tuple(alternatives) if alternatives is not None else ((),) * n,
    )


@dataclass
class FakeEngine:
    """An :class:`~ocr_pipeline.engines.OcrEngine` that returns scripted readings.

    ``script(i, crop, allowed)`` gives the reading of the ``i``-th crop of a call (``i`` counts
    across calls); by default every crop reads as ``"1"``. Every call is recorded in ``calls``
    as ``(crops, allowed)``. ``fail`` makes ``recognize`` raise, to inject a fault.
    """

    script: Script = field(default=lambda _i, _crop, _allowed: make_reading("1"))
    fail: Exception | None = None
    name: str = "fake"
    calls: list[tuple[list[Image], list[frozenset[str] | None]]] = field(default_factory=list)
    _seen: int = 0

    def recognize(
        self, crops: Sequence[Image], allowed: Sequence[frozenset[str] | None] | None = None
    ) -> list[Recognition]:
        if self.fail is not None:
            raise self.fail
        masks: list[frozenset[str] | None] = (
            list(allowed) if allowed is not None else [None] * len(crops)
        )
        self.calls.append((list(crops), masks))
        out = []
        for crop, mask in zip(crops, masks, strict=True):
            out.append(self.script(self._seen, crop, mask))
            self._seen += 1
        return out

    def charset(self) -> frozenset[str]:
        return frozenset("0123456789アイウエオカキクケコサシスセソタチツテトヤユヨー山田太郎")

    def describe(self) -> dict[str, str]:
        return {"engine": self.name}

    @property
    def crops_seen(self) -> int:
        return self._seen


def isolated_settings(data_dir: Path, mp: pytest.MonkeyPatch, **overrides: Any) -> Settings:
    """Settings that ignore the caller's FORMOCR_* variables and any ./formocr.toml."""
    for key in list(os.environ):
        if key.startswith("FORMOCR_"):
            mp.delenv(key)
    mp.chdir(data_dir)
    return load_settings(data_dir=data_dir, **overrides)


_SESSION_UMASK = os.umask(0o022)
os.umask(_SESSION_UMASK)  # read (a umask can only be read by setting it) and put back


@pytest.fixture(autouse=True)
def _keep_umask() -> Iterator[None]:
    os.umask(_SESSION_UMASK)  # also after a session fixture that ran the CLI in-process
    yield
    os.umask(_SESSION_UMASK)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Default settings with ``data_dir`` in this test's temporary folder."""
    return isolated_settings(tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def registry() -> FormRegistry:
    """The built-in forms."""
    return FormRegistry.from_dirs()


@pytest.fixture(scope="session")
def template_models(registry: FormRegistry) -> dict[str, TemplateModel]:
    """Template models of the built-in forms, by form id."""
    return {form.id: template_model(form) for form in registry}


@dataclass(frozen=True)
class Filled:
    """A filled page rendered in template pixels, and its registration onto the template."""

    gray: Gray
    reg: Registration
    model: TemplateModel


FillPage = Callable[..., Filled]


@pytest.fixture(scope="session")
def fill_page(registry: FormRegistry, template_models: dict[str, TemplateModel]) -> FillPage:
    """``fill_page(form_id, values, style=Style.PRINT, seed=0, edit=None)``: render ``values``
    (export values by field id; others stay empty) onto the form without scanner effects,
    apply ``edit`` to the grey page, and register it. Results without ``edit`` are cached."""
    cache: dict[tuple[object, ...], Filled] = {}

    def make(
        form_id: str,
        values: dict[str, FieldValue],
        style: Style = Style.PRINT,
        seed: int = 0,
        edit: Callable[[Gray], Gray] | None = None,
    ) -> Filled:
        key = (form_id, tuple(sorted(values.items())), style, seed)
        if edit is None and key in cache:
            return cache[key]
        options = SynthOptions(style=style, degrade=Degrade.NONE)
        page = render_page(registry.get(form_id), values, np.random.default_rng(seed), options)
        gray = to_gray(page)
        if edit is not None:
            gray = edit(gray.copy())
        model = template_models[form_id]
        reg = register(gray, scaled_features(gray, 1.0), model)
        assert reg is not None and reg.ok, f"a clean {form_id} page must register"
        filled = Filled(gray, reg, model)
        if edit is None:
            cache[key] = filled
        return filled

    return make


@pytest.fixture(scope="session")
def engine_by_name(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], OcrEngine]:
    """Real engines by name, each loaded at most once per session."""
    data_dir = tmp_path_factory.mktemp("engine-data")
    loaded: dict[str, OcrEngine] = {}

    def get(name: str) -> OcrEngine:
        if name not in loaded:
            with pytest.MonkeyPatch.context() as mp:
                loaded[name] = create_engine(isolated_settings(data_dir, mp, engine=name))
        return loaded[name]

    return get


@pytest.fixture(scope="session")
def ocr_engine(engine_by_name: Callable[[str], OcrEngine]) -> OcrEngine:
    """The default engine (paddleocr)."""
    return engine_by_name("paddleocr")


@pytest.fixture(scope="session")
def pipeline(ocr_engine: OcrEngine, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A pipeline over the built-in forms with the real default engine."""
    with pytest.MonkeyPatch.context() as mp:
        settings = isolated_settings(tmp_path_factory.mktemp("pipeline-data"), mp)
    return Pipeline.create(settings, engine=ocr_engine)


SYNTH_PER_STYLE = 2
"""Documents per form and writing style in ``synth_scans``."""


@pytest.fixture(scope="session")
def synth_scans(tmp_path_factory: pytest.TempPathFactory, registry: FormRegistry) -> Path:
    """Synthesised scans with truth files: for every built-in form, ``SYNTH_PER_STYLE`` printed
    documents (PNG) and as many handwritten ones (JPEG), mildly degraded. Fixed seeds: the same
    bytes every run."""
    out = tmp_path_factory.mktemp("synth")
    for n, form in enumerate(registry):
        for style, fmt, seed in (
            (Style.PRINT, OutFormat.PNG, 101),
            (Style.HAND, OutFormat.JPG, 202),
        ):
            options = SynthOptions(style=style, degrade=Degrade.MILD, fmt=fmt, seed=seed * 10 + n)
            synthesize(form, SYNTH_PER_STYLE, out, options)
    return out


@pytest.fixture
def fake_engine() -> Callable[..., FakeEngine]:
    """Factory of :class:`FakeEngine` (keyword arguments as the class takes them)."""
    return FakeEngine


@pytest.fixture
def reading() -> Callable[..., Recognition]:
    """Factory of scripted readings (see :func:`make_reading`)."""
    return make_reading


@pytest.fixture
def no_formocr_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Run in ``tmp_path`` without FORMOCR_* variables, with ``data_dir`` there (for CLI tests,
    which build their settings themselves)."""
    for key in list(os.environ):
        if key.startswith("FORMOCR_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FORMOCR_DATA_DIR", str(tmp_path / "data"))
    yield tmp_path

"""The map of the code holds: each package uses only what the README's "Layout" allows, and
no module reaches into another package's private (``_``-prefixed) modules or names.

Read from the source with :mod:`ast`, so a new import that breaks the map fails here, not in
review. A test may import the private parts of the package it tests (tests mirror the tree).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("ocr_pipeline", "form_schemas", "review_ui")
CHECKED = (*OURS, "bench")

# What each part may import of ours (besides itself). A part is a top-level package or a
# direct child of ocr_pipeline; ``errors``, ``settings``, ``results``, ``durable`` and
# ``filemodes`` are the shared ground of the library.
GROUND = {
    "ocr_pipeline.errors",
    "ocr_pipeline.settings",
    "ocr_pipeline.results",
    "ocr_pipeline.durable",
    "ocr_pipeline.filemodes",
    "form_schemas",
}
ALLOWED: dict[str, set[str]] = {
    "form_schemas": set(),
    "ocr_pipeline.errors": set(),
    "ocr_pipeline.settings": {"ocr_pipeline.errors"},
    "ocr_pipeline.results": {"form_schemas"},
    "ocr_pipeline.durable": set(),
    "ocr_pipeline.filemodes": {"ocr_pipeline.settings"},
    "ocr_pipeline.ingest": {"ocr_pipeline.errors"},
    "ocr_pipeline.preprocess": {"form_schemas", "ocr_pipeline.errors"},
    "ocr_pipeline.engines": {"ocr_pipeline.errors", "ocr_pipeline.settings"},
    "ocr_pipeline.synth": {"form_schemas", "ocr_pipeline.errors"},
    "ocr_pipeline.reader2": {"ocr_pipeline.engines", "ocr_pipeline.errors", "ocr_pipeline.synth"},
    "ocr_pipeline.extract": GROUND
    | {"ocr_pipeline.engines", "ocr_pipeline.preprocess", "ocr_pipeline.reader2"},
    "ocr_pipeline.pipeline": GROUND
    | {
        "ocr_pipeline.engines",
        "ocr_pipeline.extract",
        "ocr_pipeline.ingest",
        "ocr_pipeline.preprocess",
        "ocr_pipeline.reader2",
    },
    "ocr_pipeline.store": GROUND,
    "ocr_pipeline.export": GROUND | {"ocr_pipeline.store"},
    "ocr_pipeline.evaluate": GROUND | {"ocr_pipeline.ingest", "ocr_pipeline.pipeline"},
    "ocr_pipeline.watch": GROUND
    | {"ocr_pipeline.ingest", "ocr_pipeline.pipeline", "ocr_pipeline.store"},
    "ocr_pipeline.training": GROUND
    | {
        "ocr_pipeline.engines",
        "ocr_pipeline.extract",
        "ocr_pipeline.preprocess",
        "ocr_pipeline.reader2",
        "ocr_pipeline.store",
    },
}
LIBRARY = {f"ocr_pipeline.{p.stem}" for p in (ROOT / "ocr_pipeline").iterdir()} - {
    "ocr_pipeline.__init__",
    "ocr_pipeline.__main__",
    "ocr_pipeline.py",
}
# The command may use the whole library; the UI the library's public surfaces (its private
# parts never: see the test below) but not the reading machinery (engine, pipeline, second
# reader), which it gets through review_ui.services only, and never the command.
ALLOWED["ocr_pipeline.cli"] = GROUND | LIBRARY
ALLOWED["ocr_pipeline.__main__"] = {"ocr_pipeline.cli"}
MACHINERY = {"ocr_pipeline.engines", "ocr_pipeline.pipeline", "ocr_pipeline.reader2"}
ALLOWED["review_ui"] = (GROUND | LIBRARY) - MACHINERY - {"ocr_pipeline.cli"}
UI_GATEWAY = "review_ui.services"


@dataclass(frozen=True)
class Import:
    """One imported name: the file, the importing module, the module imported from, the
    name (None for ``import x``)."""

    path: Path
    module: str
    target: str
    name: str | None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[Import]:
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, module, alias.name, None)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                yield Import(path, module, target, alias.name)


def part_of(module: str) -> str:
    """``ocr_pipeline.store._base`` → ``ocr_pipeline.store``; ``review_ui.x`` → ``review_ui``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "ocr_pipeline" and len(parts) > 1 else parts[0]


TYPING_ONLY = {"_typeshed"}  # the standard library's typing stubs, private by convention only


def _private(segment: str | None) -> bool:
    return bool(segment) and segment.startswith("_") and not segment.startswith("__")  # type: ignore[union-attr]


def all_imports() -> list[Import]:
    files = [p for top in CHECKED for p in sorted((ROOT / top).rglob("*.py"))]
    return [imp for path in files for imp in _imports(path)]


def test_the_scan_sees_the_tree() -> None:
    found = all_imports()
    assert len({i.path for i in found}) > 100
    assert any(
        i.module == "ocr_pipeline.store.api" and i.target == "ocr_pipeline.store._base"
        for i in found
    )


def test_no_module_imports_private_parts_of_another_package() -> None:
    wrong = [
        f"{i.path.relative_to(ROOT)}: from {i.target} import {i.name}"
        for i in all_imports()
        if part_of(i.target) != part_of(i.module)
        and i.target not in TYPING_ONLY
        and (any(_private(s) for s in i.target.split(".")) or _private(i.name))
    ]
    assert wrong == []


def test_each_package_uses_only_what_the_map_allows() -> None:
    wrong = []
    for i in all_imports():
        if i.target.split(".")[0] not in OURS or i.module.startswith("bench"):
            continue
        src, dst = part_of(i.module), part_of(i.target)
        if src == dst:
            continue
        allowed = ALLOWED.get(src)
        if allowed is None:
            wrong.append(f"{i.path.relative_to(ROOT)}: part {src} is not on the map")
        elif dst not in allowed and not (i.module == UI_GATEWAY and dst in MACHINERY):
            wrong.append(f"{i.path.relative_to(ROOT)}: {src} may not use {dst}")
    assert wrong == []


def test_the_library_never_imports_streamlit() -> None:
    found = [i for i in all_imports() if i.module.startswith(("ocr_pipeline", "form_schemas"))]
    assert [str(i.path) for i in found if i.target.split(".")[0] == "streamlit"] == []


@pytest.mark.parametrize(
    ("module", "part"),
    [
        ("ocr_pipeline.store._base", "ocr_pipeline.store"),
        ("review_ui.screens.review", "review_ui"),
        ("form_schemas.spec", "form_schemas"),
    ],
)
def test_part_of(module: str, part: str) -> None:
    assert part_of(module) == part

"""Finding and loading form definitions from folders.

A forms directory holds one folder per form; each folder holds ``form.yaml`` and the blank
template image it names. The built-in forms live in ``form_schemas/forms``; administrators add
their own with ``--forms-dir`` / ``FORMOCR_FORMS_DIR`` without changing code. A form in a
user directory replaces a built-in form with the same id (and says so in the log).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError

from .spec import BBox, FieldSpec, FormSpec

log = logging.getLogger(__name__)

BUILTIN_FORMS_DIR = Path(__file__).parent / "forms"
SCHEMA_FILE = "form.yaml"


class FormDefinitionError(ValueError):
    """A form folder is not a valid definition. ``problems`` lists every finding."""

    def __init__(self, folder: Path, problems: list[str]) -> None:
        self.folder = folder
        self.problems = problems
        super().__init__(f"{folder}: " + "; ".join(problems))


@dataclass(frozen=True)
class FormDefinition:
    """A loaded form: the validated spec, where it came from and its template's size."""

    spec: FormSpec
    folder: Path
    width: int
    height: int

    @property
    def template_path(self) -> Path:
        return self.folder / self.spec.template.image

    @cached_property
    def fields(self) -> list[FieldSpec]:
        return self.spec.all_fields()

    @property
    def id(self) -> str:
        return self.spec.id


def _outside(b: BBox, width: int, height: int) -> bool:
    return b[2] > width or b[3] > height


def load_form(folder: Path) -> FormDefinition:
    """Load and check one form folder; raises :class:`FormDefinitionError` listing problems."""
    folder = Path(folder)
    schema_path = folder / SCHEMA_FILE
    if not schema_path.is_file():
        raise FormDefinitionError(folder, [f"no {SCHEMA_FILE} in the folder"])
    try:
        raw = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(folder, [f"{SCHEMA_FILE} is not valid YAML: {exc}"]) from exc
    try:
        spec = FormSpec.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or SCHEMA_FILE}: {err['msg']}"
            for err in exc.errors()
        ]
        raise FormDefinitionError(folder, problems) from exc
    image_path = folder / spec.template.image
    try:
        with Image.open(image_path) as img:
            width, height = img.size
    except FileNotFoundError as exc:
        raise FormDefinitionError(
            folder, [f"template image {spec.template.image} is missing"]
        ) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise FormDefinitionError(
            folder, [f"template image {spec.template.image} cannot be read: {exc}"]
        ) from exc
    problems = []
    for f in spec.all_fields():
        boxes = [s.bbox for s in f.all_segments()] + [o.bbox for o in f.options]
        if f.bbox is not None:
            boxes.append(f.bbox)
        if any(_outside(b, width, height) for b in boxes):
            problems.append(f"field {f.id!r} lies outside the {width}x{height} template")
    if problems:
        raise FormDefinitionError(folder, problems)
    return FormDefinition(spec=spec, folder=folder, width=width, height=height)


def _form_folders(directory: Path) -> Iterable[Path]:
    if not directory.is_dir():
        return []
    # Hidden folders are forms being written (form_schemas.draft.save_form) or set aside.
    return sorted(
        p for p in directory.iterdir() if not p.name.startswith(".") and (p / SCHEMA_FILE).is_file()
    )


class FormRegistry:
    """The known forms, by id. Later directories override earlier ones."""

    def __init__(self, forms: Iterable[FormDefinition]) -> None:
        self._forms: dict[str, FormDefinition] = {}
        for form in forms:
            if form.id in self._forms:
                log.info(
                    "form %s from %s replaces the one from %s",
                    form.id,
                    form.folder,
                    self._forms[form.id].folder,
                )
            self._forms[form.id] = form

    @classmethod
    def from_dirs(
        cls, extra_dirs: Iterable[Path] = (), include_builtin: bool = True
    ) -> FormRegistry:
        """Load the built-in forms and every form folder under ``extra_dirs``."""
        dirs = ([BUILTIN_FORMS_DIR] if include_builtin else []) + [Path(d) for d in extra_dirs]
        forms: list[FormDefinition] = []
        for d in dirs:
            forms.extend(load_form(folder) for folder in _form_folders(d))
        return cls(forms)

    def get(self, form_id: str) -> FormDefinition:
        try:
            return self._forms[form_id]
        except KeyError:
            known = ", ".join(sorted(self._forms)) or "none"
            raise KeyError(f"unknown form {form_id!r} (known: {known})") from None

    def __iter__(self) -> Iterator[FormDefinition]:
        return iter(self._forms.values())

    def __len__(self) -> int:
        return len(self._forms)

    def __contains__(self, form_id: object) -> bool:
        return form_id in self._forms

    @property
    def ids(self) -> list[str]:
        return sorted(self._forms)

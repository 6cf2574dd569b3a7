"""Finding and loading export profiles from folders.

A profiles folder holds one YAML file per profile (``*.yaml`` or ``*.yml``). The built-in
profiles live in ``ocr_pipeline/export/profiles``; administrators add their own folders, and
a profile in a later folder replaces one with the same id (the log says so), as forms do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from form_schemas.registry import FormRegistry

from .check import check_profile
from .errors import ProfileInvalidError, UnknownProfileError
from .profile import ExportProfile

log = logging.getLogger(__name__)

BUILTIN_PROFILES_DIR = Path(__file__).parent / "profiles"
PROFILE_SUFFIXES = (".yaml", ".yml")


def _problem(err: ErrorDetails) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    msg = err["msg"]
    if err["type"] == "string_type":
        msg += " (write it in quotes: YAML reads 01 as a number and no as false)"
    return f"{loc}: {msg}" if loc else msg


def parse_profile(data: object, source: Path | str) -> ExportProfile:
    """Validate already-loaded profile data; raises :class:`ProfileInvalidError`."""
    try:
        return ExportProfile.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(e) for e in exc.errors(include_url=False)]
        raise ProfileInvalidError(source, problems) from exc


def load_profile(path: Path | str) -> ExportProfile:
    """Load one profile file; raises :class:`ProfileInvalidError` listing every problem.
    Whether it fits its form is a separate check (:func:`check_profile`)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileInvalidError(path, [f"cannot be read: {exc.strerror or exc}"]) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProfileInvalidError(path, [f"not valid UTF-8 YAML: {exc}"]) from exc
    return parse_profile(raw, path)


@dataclass(frozen=True)
class ProfileDefinition:
    """A loaded profile and the file it came from."""

    profile: ExportProfile
    path: Path

    @property
    def id(self) -> str:
        return self.profile.id


def _profile_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        log.warning("profile folder %s does not exist; skipped", directory)
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in PROFILE_SUFFIXES and p.is_file())


def load_folder(directory: Path) -> list[ProfileDefinition]:
    """Every profile in one folder; two files with the same id are an error."""
    loaded = [ProfileDefinition(load_profile(p), p) for p in _profile_files(Path(directory))]
    seen: dict[str, Path] = {}
    for d in loaded:
        if d.id in seen:
            raise ProfileInvalidError(
                d.path, [f"id {d.id!r} is also used by {seen[d.id].name} in the same folder"]
            )
        seen[d.id] = d.path
    return loaded


class ProfileRegistry:
    """The known export profiles, by id. Later definitions replace earlier ones."""

    def __init__(self, definitions: Iterable[ProfileDefinition]) -> None:
        self._defs: dict[str, ProfileDefinition] = {}
        for d in definitions:
            if d.id in self._defs:
                log.info("profile %s from %s replaces %s", d.id, d.path, self._defs[d.id].path)
            self._defs[d.id] = d

    @classmethod
    def from_dirs(
        cls, extra_dirs: Iterable[Path] = (), include_builtin: bool = True
    ) -> ProfileRegistry:
        """Load the built-in profiles and every profile file in ``extra_dirs``, in order."""
        dirs = ([BUILTIN_PROFILES_DIR] if include_builtin else []) + [Path(d) for d in extra_dirs]
        return cls(d for folder in dirs for d in load_folder(folder))

    def get(self, profile_id: str) -> ExportProfile:
        """The profile; raises :class:`UnknownProfileError` (a bad-arguments error)."""
        return self.definition(profile_id).profile

    def definition(self, profile_id: str) -> ProfileDefinition:
        try:
            return self._defs[profile_id]
        except KeyError:
            raise UnknownProfileError(profile_id, self.ids) from None

    def for_form(self, form_id: str) -> list[ExportProfile]:
        """Profiles that export records of ``form_id``, by id."""
        return [self._defs[i].profile for i in self.ids if self._defs[i].profile.form == form_id]

    def problems(self, forms: FormRegistry) -> dict[str, list[str]]:
        """Profiles that cannot be used with the known forms, with why; empty when all can."""
        out: dict[str, list[str]] = {}
        for pid in self.ids:
            profile = self._defs[pid].profile
            if profile.form not in forms:
                out[pid] = [f"unknown form {profile.form!r} (known: {', '.join(forms.ids)})"]
                continue
            found = check_profile(profile, forms.get(profile.form).spec)
            if found:
                out[pid] = found
        return out

    def __iter__(self) -> Iterator[ExportProfile]:
        return (self._defs[i].profile for i in self.ids)

    def __len__(self) -> int:
        return len(self._defs)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._defs

    @property
    def ids(self) -> list[str]:
        return sorted(self._defs)

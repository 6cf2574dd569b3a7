"""``formocr forms list|show|blank|check``: the known forms and checking a new one."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from form_schemas.registry import FormDefinition, FormDefinitionError, FormRegistry, load_form
from form_schemas.spec import FieldSpec

from ..errors import BadArgumentsError, OutputUnwritableError, SchemaInvalidError
from .common import add_settings_args, print_json, settings_from
from .tables import table


def register(sub: Any) -> None:
    p = sub.add_parser("forms", help="list, show, export or check form definitions")
    fs = p.add_subparsers(dest="forms_command", required=True)
    ls = fs.add_parser("list", help="the forms this installation knows")
    ls.add_argument("--json", action="store_true")
    add_settings_args(ls, engine=False)
    ls.set_defaults(func=run_list)
    show = fs.add_parser("show", help="one form's fields and zones")
    show.add_argument("form_id")
    show.add_argument("--json", action="store_true")
    add_settings_args(show, engine=False)
    show.set_defaults(func=run_show)
    blank = fs.add_parser("blank", help="write a form's blank template image")
    blank.add_argument("form_id")
    blank.add_argument("--out", type=Path, required=True)
    add_settings_args(blank, engine=False)
    blank.set_defaults(func=run_blank)
    check = fs.add_parser("check", help="validate a form folder (form.yaml + template)")
    check.add_argument("folder", type=Path)
    check.set_defaults(func=run_check)


def _registry(args: argparse.Namespace) -> FormRegistry:
    settings, _ = settings_from(args)
    try:
        return FormRegistry.from_dirs(settings.form_dirs)
    except FormDefinitionError as exc:
        raise SchemaInvalidError(
            str(exc), f"fix the form with `formocr forms check {exc.folder}`"
        ) from exc


def _form(args: argparse.Namespace) -> FormDefinition:
    registry = _registry(args)
    if args.form_id not in registry:
        raise BadArgumentsError(
            f"unknown form {args.form_id!r}", f"use one of: {', '.join(registry.ids)}"
        )
    return registry.get(args.form_id)


def field_json(f: FieldSpec) -> dict[str, Any]:
    return {
        "id": f.id,
        "label": f.label,
        "type": f.type.value,
        "bbox": list(f.outline()),
        "options": [{"code": o.code, "label": o.label, "bbox": list(o.bbox)} for o in f.options],
        "boxes": f.total_boxes,
        "required": f.required,
        "review": f.review.value,
    }


def form_json(form: FormDefinition) -> dict[str, Any]:
    return {
        "id": form.id,
        "version": form.spec.version,
        "title": form.spec.title,
        "folder": str(form.folder),
        "template": {"width": form.width, "height": form.height, "dpi": form.spec.template.dpi},
        "fields": [field_json(f) for f in form.fields],
    }


def run_list(args: argparse.Namespace) -> int:
    forms = list(_registry(args))
    if args.json:
        print_json(
            [
                {
                    "id": f.id,
                    "version": f.spec.version,
                    "title": f.spec.title,
                    "fields": len(f.fields),
                    "folder": str(f.folder),
                }
                for f in forms
            ]
        )
    else:
        rows = [
            [f.id, str(f.spec.version), f.spec.title, str(len(f.fields)), str(f.folder)]
            for f in forms
        ]
        sys.stdout.write(
            table(["id", "version", "title", "fields", "folder"], rows, max_col=60) + "\n"
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    form = _form(args)
    if args.json:
        print_json(form_json(form))
        return 0
    rows = [
        [
            f.id,
            f.label,
            f.type.value,
            ",".join(map(str, f.outline())),
            str(f.total_boxes or ""),
            "yes" if f.required else "",
            f.review.value,
        ]
        for f in form.fields
    ]
    sys.stdout.write(
        f"{form.id} v{form.spec.version}: {form.spec.title} "
        f"({form.width}x{form.height} px @ {form.spec.template.dpi} dpi)\n"
    )
    sys.stdout.write(
        table(["id", "label", "type", "bbox", "boxes", "required", "review"], rows) + "\n"
    )
    return 0


def run_blank(args: argparse.Namespace) -> int:
    form = _form(args)
    try:
        if args.out.suffix.lower() == form.template_path.suffix.lower():
            shutil.copyfile(form.template_path, args.out)
        else:
            from PIL import Image

            with Image.open(form.template_path) as img:
                img.save(args.out, dpi=(form.spec.template.dpi, form.spec.template.dpi))
    except (OSError, ValueError) as exc:
        raise OutputUnwritableError(
            f"cannot write {args.out}: {exc}",
            "choose a writable path ending in .png, .jpg, .tif or .pdf",
        ) from exc
    sys.stderr.write(f"wrote {args.out}\n")
    return 0


def run_check(args: argparse.Namespace) -> int:
    try:
        form = load_form(args.folder)
    except FormDefinitionError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        raise SchemaInvalidError(
            f"{args.folder} is not a valid form definition:\n{lines}",
            "fix form.yaml (see form_schemas/README.md) and run the check again",
        ) from exc
    sys.stdout.write(
        f"{form.id} v{form.spec.version} ({form.spec.title}): {len(form.fields)} fields, "
        f"template {form.width}x{form.height} px - OK\n"
    )
    return 0

"""``python -m form_schemas.designer [--out DIR] [FORM_ID ...]``: regenerate built-in forms."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..registry import BUILTIN_FORMS_DIR
from .build import BUILDERS, build_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m form_schemas.designer",
        description="Draw the built-in forms: writes <out>/<form_id>/form.yaml and template.png.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=BUILTIN_FORMS_DIR,
        help="forms directory to write into (default: the built-in forms)",
    )
    parser.add_argument(
        "forms",
        nargs="*",
        metavar="FORM_ID",
        help=f"only these forms (default: all of {', '.join(BUILDERS)})",
    )
    args = parser.parse_args(argv)
    unknown = [f for f in args.forms if f not in BUILDERS]
    if unknown:
        parser.error(f"unknown form ids {unknown}; known: {', '.join(BUILDERS)}")
    for folder in build_all(args.out, args.forms or None):
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())

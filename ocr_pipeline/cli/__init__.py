"""The ``formocr`` command. This is the one place where exceptions become exit codes.

stdout carries data (tables, or JSON with ``--json``); logs and progress go to stderr.
Each subcommand lives in its own module under ``ocr_pipeline.cli`` and registers itself with
:func:`add_parser`; the command functions raise library errors and return an exit code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from ..errors import ExitCode, FormocrError
from ..filemodes import private_umask

Command = Callable[[argparse.Namespace], int]

log = logging.getLogger("formocr")


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad arguments; keep that code and say what to do."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n  What to do: see `{self.prog} --help`\n")
        raise SystemExit(ExitCode.BAD_ARGS)


def build_parser() -> argparse.ArgumentParser:
    from . import (
        cmd_audit,
        cmd_calibrate,
        cmd_config,
        cmd_db,
        cmd_demo,
        cmd_eval,
        cmd_export,
        cmd_forms,
        cmd_models,
        cmd_process,
        cmd_purge,
        cmd_retention,
        cmd_secrets,
        cmd_status,
        cmd_synth,
        cmd_train,
        cmd_ui,
        cmd_users,
        cmd_watch,
        cmd_worker,
    )

    parser = _Parser(
        prog="formocr",
        description="Offline OCR for the paper application forms of Japanese municipalities.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in (
        cmd_process,
        cmd_eval,
        cmd_synth,
        cmd_calibrate,
        cmd_forms,
        cmd_config,
        cmd_models,
        cmd_db,
        cmd_export,
        cmd_watch,
        cmd_worker,
        cmd_status,
        cmd_demo,
        cmd_users,
        cmd_secrets,
        cmd_ui,
        cmd_train,
        cmd_audit,
        cmd_retention,
        cmd_purge,
    ):
        module.register(sub)
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    if verbose < 2:
        # Third-party libraries are chatty at INFO; keep them to warnings unless -vv.
        for name in ("paddlex", "paddleocr", "RapidOCR", "rapidocr", "PIL"):
            logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``formocr`` console script."""
    private_umask()  # every file written from here on is owner-only (residents' data)
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose, args.quiet)
    func: Command = args.func
    try:
        return int(func(args))
    except FormocrError as exc:
        print(f"formocr: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("formocr: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception:
        log.exception("unexpected error (a bug: please report it with this output)")
        return int(ExitCode.UNEXPECTED)


if __name__ == "__main__":
    raise SystemExit(main())

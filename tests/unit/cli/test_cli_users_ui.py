"""``formocr users`` on a SQLite store in a temporary data folder, and how ``formocr ui``
starts Streamlit (the server itself is started by the browser test)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ocr_pipeline.cli import main
from ocr_pipeline.cli.cmd_ui import app_path, streamlit_command
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Store

pytestmark = pytest.mark.usefixtures("no_formocr_env")


def _run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_users_add_list_passwd_disable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(*a: str, stdin: str = "") -> tuple[int, str, str]:
        return _run(capsys, monkeypatch, *a, stdin=stdin)

    code, _, err = run(
        "users", "add", "sato", "--role", "reviewer", "--tenant", "town-a", "--name", "佐藤",
        "--password-stdin", stdin="a long password\n",
    )  # fmt: skip
    assert code == 0 and "municipality town-a created" in err and "sato" in err
    code, _, _ = run(
        "users", "add", "boss", "--role", "administrator", "--tenant", "town-a",
        "--tenant", "town-b", "--password-stdin", stdin="another password\n",
    )  # fmt: skip
    assert code == 0
    code, out, _ = run("users", "list", "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert [(u["login"], u["role"], u["tenants"]) for u in listed] == [
        ("boss", "administrator", ["town-a", "town-b"]),
        ("sato", "reviewer", ["town-a"]),
    ]
    assert listed[1]["name"] == "佐藤" and "password" not in out
    code, out, _ = run("users", "list", "--tenant", "town-b")
    assert code == 0 and "boss" in out and "sato" not in out
    assert run("users", "passwd", "sato", "--password-stdin", stdin="brand new pass\n")[0] == 0
    assert run("users", "disable", "sato")[0] == 0
    with Store.from_settings(load_settings()) as store:
        assert store.users.authenticate("sato", "brand new pass") is None
        assert run("users", "enable", "sato")[0] == 0
        assert store.users.authenticate("sato", "brand new pass") is not None


def test_users_refusals_have_their_exit_code(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(*a: str, stdin: str = "") -> tuple[int, str, str]:
        return _run(capsys, monkeypatch, *a, stdin=stdin)

    add = ("users", "add", "sato", "--role", "clerk", "--tenant", "town-a")
    code, _, err = run(*add)  # no terminal, no --password-stdin
    assert code == ExitCode.BAD_ARGS and "--password-stdin" in err
    code, _, err = run(*add, "--password-stdin", stdin="short\n")
    assert code == ExitCode.BAD_ARGS and "What to do" in err
    code, _, err = run(*add, "--tenant", "town-b", "--password-stdin", stdin="long enough!\n")
    assert code == ExitCode.BAD_ARGS and "exactly one tenant" in err
    assert run(*add, "--password-stdin", stdin="long enough!\n")[0] == 0
    code, _, err = run(*add, "--password-stdin", stdin="long enough!\n")
    assert code == ExitCode.BAD_ARGS and "taken" in err
    code, _, err = run("users", "disable", "nobody")
    assert code == ExitCode.BAD_ARGS and "not found" in err
    with pytest.raises(SystemExit) as info:  # argparse refuses it
        run("users", "add", "x", "--role", "mayor", "--tenant", "t")
    assert info.value.code == ExitCode.BAD_ARGS


def test_ui_runs_streamlit_on_the_review_app_offline() -> None:
    command = streamlit_command(8600, "127.0.0.1")
    assert command[1:4] == ["-m", "streamlit", "run"] and Path(command[4]) == app_path()
    assert app_path().is_file() and app_path().parent.name == "review_ui"
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.port"] == "8600" and flags["--server.address"] == "127.0.0.1"
    assert flags["--browser.gatherUsageStats"] == "false"  # nothing goes out to the internet
    assert flags["--server.headless"] == "true"


def test_ui_refuses_a_bad_port(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _run(capsys, monkeypatch, "ui", "--port", "70000")
    assert code == ExitCode.BAD_ARGS and "port" in err

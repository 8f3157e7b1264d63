"""Every failure of the command line is one line on stderr (`error: ...`, exit 1) whatever raised it,
with --debug for the traceback; templates are names only; outputs are not overwritten silently."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

import plotsim_dbt.cli.main as cli_main
from plotsim_dbt.cli.main import main


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plotsim_dbt.cli.main", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize(
    ("raised", "shown"),
    [
        (OverflowError("Python int too large to convert to C long"), "error: OverflowError: Python int too large to convert to C long"),
        (MemoryError(), "error: MemoryError: out of memory"),
        (duckdb.ParserException('Parser Error: syntax error at or near "order"\n\nLINE 1: select'), "error: ParserException: Parser Error"),
        (RuntimeError("solver cannot continue"), "error: RuntimeError: solver cannot continue"),
    ],
)
def test_any_exception_is_one_line_and_exit_1(monkeypatch, capsys, raised, shown):
    def fail(*args, **kwargs):
        raise raised

    monkeypatch.setattr(cli_main, "run", fail)
    assert main(["run", "saas", "-o", "unused", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(shown) and err.count("\n") == 1 and "Traceback" not in err
    assert "--debug" in err


def test_debug_prints_the_traceback_after_the_line(monkeypatch, capsys):
    def fail(*args, **kwargs):
        raise OverflowError("too big")

    monkeypatch.setattr(cli_main, "run", fail)
    assert main(["run", "saas", "-o", "unused", "-q", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and err.rstrip().endswith("error: OverflowError: too big (run with --debug for the traceback)")
    assert main(["--debug", "run", "saas", "-o", "unused", "-q"]) == 1, "--debug before the command works too"
    assert "Traceback" in capsys.readouterr().err


def test_invalid_yaml_is_one_line_with_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("about: x\nunit: [a\nseed: 3\n")
    done = cli("run", str(bad), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and done.stderr.startswith(f"error: {bad}:3:5: invalid YAML:")
    assert done.stderr.count("\n") == 1 and "<unicode string>" not in done.stderr


def test_a_misspelled_template_suggests_the_close_name(capsys):
    assert main(["template", "sass"]) == 1
    assert "did you mean 'saas'?" in capsys.readouterr().err
    assert main(["info", "sass"]) == 1
    assert "did you mean 'saas'?" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["../templates/saas", "../../pyproject", "/etc/hostname"])
def test_template_takes_names_not_paths(capsys, name):
    assert main(["template", name]) == 1
    err = capsys.readouterr()
    assert "is not a template name" in err.err and err.out == ""


@pytest.mark.parametrize("command", [["template", "saas"], ["schema"]])
def test_output_files_are_not_overwritten_without_force(tmp_path, capsys, command):
    target = tmp_path / "f.yaml"
    target.write_text("mine")
    assert main([*command, "-o", str(target)]) == 1
    assert "exists; add --force" in capsys.readouterr().err and target.read_text() == "mine"
    assert main([*command, "-o", str(target), "--force"]) == 0
    assert target.read_text() != "mine"


def test_a_folder_named_like_a_template_does_not_hide_it(tmp_path):
    (tmp_path / "saas").mkdir()
    done = cli("info", "saas", cwd=tmp_path)
    assert done.returncode == 0 and "600 entities" in done.stdout
    done = cli("info", str(tmp_path / "saas"))
    assert done.returncode == 1 and "is a directory" in done.stderr and done.stderr.count("\n") == 1


def test_a_closed_pipe_ends_quietly():
    # `| true` closes the pipe before the first write, as `| head` does once it has its lines.
    done = subprocess.run(f"{sys.executable} -m plotsim_dbt.cli.main info saas | true", shell=True, capture_output=True, text=True)
    assert done.stderr == ""

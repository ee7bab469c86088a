"""The command line: help everywhere, usage errors exit 2, python build.py == rgann-cards build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from rgann_cards.cli import build_parser

COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def test_known_commands():
    assert {"build", "lint", "verify", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command, tmp_path: Path):
    args = ["--help"] if command is None else [command, "--help"]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: rgann-cards")
    assert len(result.stdout.splitlines()) > 4


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_parses_as_it_would_among_all_of_them(command):
    """main() builds only the named command's parser: its help, usage and defaults are those it has among all."""
    alone, among = build_parser(command), build_parser()
    assert sorted(alone._subparsers._group_actions[0].choices) == [command]
    one, other = (p._subparsers._group_actions[0].choices[command] for p in (alone, among))
    assert one.format_help() == other.format_help()
    assert one.format_usage() == other.format_usage()
    def arguments(parser):
        return [(a.dest, a.option_strings, a.default, a.required, a.nargs) for a in parser._actions], parser._defaults

    assert arguments(one) == arguments(other)


def test_only_the_named_command_is_imported(tmp_path: Path):
    code = ("import sys\nfrom rgann_cards import cli\ntry: cli.main(['schema', '--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('rgann_cards.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "['rgann_cards.commands.common', 'rgann_cards.commands.schema']"


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["build", "--no-such-flag"], ["export"],
                                  ["export", "--format", "xml"]])
def test_usage_errors_exit_2(args, tmp_path: Path):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Error: " in result.stderr and "Traceback" not in result.stderr


def test_verify_unknown_id_is_a_usage_error(project: Path):
    result = run_cli("verify", "--only", "no-such-exercise", cwd=project)
    assert (result.returncode, result.stderr) == (2, "Error: unknown exercise id(s): no-such-exercise\n")


def test_build_py_is_rgann_cards_build(project: Path):
    via_script = subprocess.run([sys.executable, str(REPO / "build.py")], cwd=project, capture_output=True,
                                text=True, stdin=subprocess.DEVNULL)
    assert via_script.returncode == 0, via_script.stderr
    first = (project / "dist" / "rgann.apkg").read_bytes()
    via_cli = run_cli("build", cwd=project)
    assert via_cli.returncode == 0
    assert "rgann.apkg (unchanged)" in via_cli.stdout
    assert (project / "dist" / "rgann.apkg").read_bytes() == first


def test_export_json_writes_only_json(project: Path):
    result = run_cli("export", "--format", "json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["rgann.json"]


def test_a_build_exits_fast_but_runs_its_exit_handlers_and_flushes(tmp_path: Path):
    """entry() skips the heap's teardown after a build: the report still arrives whole, the exit code is
    kept, and multiprocessing's exit handler still removes its fork server's socket directory."""
    import shutil

    shutil.copytree(REPO / "content", tmp_path / "content")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # no cached checks, so the fork server starts; stdout buffered as it is for most users
    env = {"TMPDIR": str(scratch), "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONUNBUFFERED": ""}
    result = run_cli("build", cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "dist/rgann.apkg" in result.stdout and result.stdout.endswith("\n")
    assert not list(scratch.glob("pymp-*")), "the fork server's directory was left behind"
    broken = run_cli("build", "--content", str(tmp_path / "missing"), cwd=tmp_path, env=env)
    assert broken.returncode == 1 and "content directory not found" in broken.stderr

"""Issue 10, item 8: a build commits every output and the lock together, or none of them.

Faults come from real file systems where the machine allows it (we are root, as on CI): a small tmpfs
that fills up, and a read-only bind mount. Two faults no mount can produce for root are injected
in-process instead, and each such test says so: permission denied (root bypasses file modes) and a
rename failing halfway through the swap.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from conftest import ON_CI, run_cli

EDITED = ("answer: Backpropagation through time.", "answer: Backpropagation through time (unrolled).")


def _digest(directory: Path) -> dict[str, str]:
    """Every file, hidden ones (temporaries, backups) included."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def _edit(project: Path) -> None:
    """Change one answer, so every output and the lock would change."""
    deck = project / "content" / "sheet01" / "task02-more.yaml"
    deck.write_text(deck.read_text("utf-8").replace(*EDITED), "utf-8")


@pytest.fixture
def mount():
    """Run ``mount`` with the given arguments; everything mounted is unmounted afterwards."""
    mounted: list[Path] = []

    def run(*args: str) -> None:
        result = subprocess.run(["mount", *args], capture_output=True, text=True)
        if result.returncode != 0:
            if ON_CI:
                pytest.fail(f"CI=true but mount {' '.join(args)} failed: {result.stderr}")
            pytest.skip(f"cannot mount here: {result.stderr.strip()}")
        mounted.append(Path(args[-1]))

    yield run
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_full_disk_leaves_every_previous_file_unchanged(project: Path, mount):
    dist = project / "dist"
    dist.mkdir()
    mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", str(dist))
    assert run_cli("build", cwd=project).returncode == 0
    _edit(project)
    # Fill the disk, leaving 8 KiB: less than the first output (answer-key.html, ~16 KB) needs.
    stat = os.statvfs(dist)
    (dist / "filler").write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - 8192))
    before, lock_before = _digest(dist), (project / "content" / "anki.lock").read_bytes()

    result = run_cli("build", cwd=project)

    assert result.returncode == 1
    assert result.stderr == ("error: disk full writing dist/answer-key.html\n"
                             "Nothing was written; the previous files are unchanged.\n")
    assert "Traceback" not in result.stdout + result.stderr
    assert _digest(dist) == before  # no new file, no temporary left behind
    assert (project / "content" / "anki.lock").read_bytes() == lock_before
    assert not [p for p in (project / "content").iterdir() if p.name.startswith(".")]
    # The fault was the only reason: with space again, the same build succeeds.
    (dist / "filler").unlink()
    assert run_cli("build", cwd=project).returncode == 0
    assert "(unrolled)" in (dist / "rgann.json").read_text("utf-8")


@pytest.mark.parametrize("where", ["dist", "content"])
def test_read_only_directory_leaves_every_previous_file_unchanged(project: Path, mount, where: str):
    assert run_cli("build", cwd=project).returncode == 0
    _edit(project)
    before, lock_before = _digest(project / "dist"), (project / "content" / "anki.lock").read_bytes()
    target = project / where
    mount("--bind", str(target), str(target))
    mount("-o", "remount,bind,ro", str(target))

    result = run_cli("build", cwd=project)

    first = "dist/CHANGES.md" if where == "dist" else "content/anki.lock"  # outputs are staged in path order
    assert result.returncode == 1
    assert result.stderr == (f"error: read-only file system writing {first}\n"
                             "Nothing was written; the previous files are unchanged.\n")
    assert "Traceback" not in result.stdout + result.stderr
    assert _digest(project / "dist") == before
    assert (project / "content" / "anki.lock").read_bytes() == lock_before


def _in_process_build(project: Path):
    from rgann_cards.build import build

    return build(project / "content", project / "dist", cache_dir=None)


def test_permission_denied_leaves_every_previous_file_unchanged(project: Path, monkeypatch):
    # Fault injection (os.open raises EACCES for dist/rgann.json): root ignores file modes, so no
    # chmod or mount can make a directory unwritable for this test.
    from rgann_cards import atomic
    from rgann_cards.errors import WriteError

    monkeypatch.chdir(project)
    _in_process_build(project)
    _edit(project)
    before, lock_before = _digest(project / "dist"), (project / "content" / "anki.lock").read_bytes()
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if Path(path).name.startswith(".rgann.json."):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "open", refusing_open)
    with pytest.raises(WriteError) as caught:
        _in_process_build(project)
    assert str(caught.value) == "permission denied writing dist/rgann.json"
    assert _digest(project / "dist") == before
    assert (project / "content" / "anki.lock").read_bytes() == lock_before


def test_a_rename_failing_halfway_puts_back_the_files_already_replaced(project: Path, monkeypatch):
    # Fault injection (the third os.replace fails with EIO): a rename needs no data blocks, so no real
    # full disk makes the swap fail after staging succeeded. Two files are already new by then.
    from rgann_cards import atomic
    from rgann_cards.errors import WriteError

    monkeypatch.chdir(project)
    _in_process_build(project)
    _edit(project)
    before, lock_before = _digest(project / "dist"), (project / "content" / "anki.lock").read_bytes()
    real_replace, calls = os.replace, []

    def failing_replace(src, dst, **kwargs):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real_replace(src, dst, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(WriteError) as caught:
        _in_process_build(project)
    assert str(caught.value) == "cannot write dist/answer-key.html: Input/output error"
    assert len(calls) > 3  # the swap ran, then restored the two files already replaced from their backups
    assert _digest(project / "dist") == before
    assert (project / "content" / "anki.lock").read_bytes() == lock_before
    assert not [p for p in (project / "content").iterdir() if p.name.startswith(".")]

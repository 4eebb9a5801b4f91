"""The one atomic writer: a file is replaced whole, or left as it was with nothing beside it."""

import os
import stat

import pytest

from sim.experiments.atomic import write_atomic, write_text


def test_a_write_replaces_the_file_with_plain_permissions_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "sub" / "a.txt"
    assert write_text(path, "old") == path
    write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path):
    path = tmp_path / "a.txt"
    write_text(path, "old")

    def half(tmp):
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, half)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]

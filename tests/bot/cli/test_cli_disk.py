"""When the file system says no (a full disk, a read-only folder, a file where the data dir
should be): one line, a non-zero exit, no half-written file, and the records as they were."""

from pathlib import Path

import pytest

from tests.bot.cli.test_cli_recovery import assert_clear_error, newsbot, records, snapshot
from tests.disks import fill, mounted

__all__ = ["records"]  # the fixture, shared


def one_line(result) -> None:
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_a_backup_into_a_read_only_folder_is_one_line(records: Path, tmp_path: Path):
    with mounted(tmp_path / "ro", "64k", read_only=True) as folder:
        result = newsbot("backup", str(folder))
        assert_clear_error(result, "read-only", str(folder))
        one_line(result)
        assert list(folder.iterdir()) == []


@pytest.mark.parametrize("target", ["folder", "file"])
def test_a_backup_onto_a_full_disk_is_one_line_and_leaves_no_partial_file(
    records: Path, tmp_path: Path, target: str
):
    before = snapshot(records)
    with mounted(tmp_path / "small", "32k") as folder:  # the database is ~100 KB
        result = newsbot("backup", str(folder if target == "folder" else folder / "b.sqlite3"))
        assert_clear_error(result, "no space left", str(folder))
        one_line(result)
        assert list(folder.iterdir()) == []  # no .partial, no journal
    assert snapshot(records) == before


@pytest.mark.parametrize(
    "command",
    [("stats",), ("index", "seeds"), ("subscriptions", "list"), ("backup", "x"), ("check",)],
)
@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_a_data_dir_that_is_a_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: tuple[str, ...], where: str
):
    plain = tmp_path / "data"
    plain.write_text("not a folder")
    data_dir = plain if where == "a file" else plain / "inner"
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(data_dir))
    result = newsbot(*command)
    assert_clear_error(result, str(plain))
    one_line(result)
    assert plain.read_text() == "not a folder"


def reports(tmp_path: Path, n: int) -> Path:
    """`n` articles of forty distinct sentences each: a few hundred KB once embedded."""
    folder = tmp_path / "reports"
    folder.mkdir()
    words = [
        "market",
        "summit",
        "river",
        "council",
        "budget",
        "storm",
        "harvest",
        "vote",
        "bank",
        "school",
        "train",
    ]
    for i in range(n):
        sentences = " ".join(
            f"The {words[(i + j) % 11]} {words[(3 * j) % 11]} report {i} line {j} was read."
            for j in range(40)
        )
        (folder / f"report{i:02d}.txt").write_text(f"Report {i}\n\n{sentences}\n")
    return folder


def test_index_when_the_disk_fills_mid_run_is_one_line_and_recovers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    documents = reports(tmp_path, 8)
    with mounted(tmp_path / "small", "4m") as disk:
        monkeypatch.setenv("NEWSBOT_DATA_DIR", str(disk / "data"))
        first = newsbot("index", str(documents / "report00.txt"))
        assert first.exit_code == 0, first.output
        filler = fill(disk, leave=96 * 1024)

        result = newsbot("index", str(documents))
        assert_clear_error(result, "no space left", str(disk / "data"))
        one_line(result)

        filler.unlink()  # space freed: the same command finishes the work
        again = newsbot("index", str(documents))
        assert again.exit_code == 0, again.output
        checked = newsbot("check", "--dry-run")
        assert "consistent: 8 articles" in checked.stdout, checked.output
        assert "articles:  8 (8 embedded" in newsbot("stats").stdout

"""Failures of the environment end `stc-report` in one line, no traceback, outputs intact.

Each case runs the real command in a process of its own (`tests/cli_driver.py`, which
injects a full disk or a read-only folder at the OS boundary), against the session's
Prefect server unless the case is about that server. It checks the exit status (2: fix
the set-up; 1: the run failed on the way), that stderr holds one line and no
traceback, and that the outputs of the run before are byte for byte as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from stc_reporting.outputs.folder import INTERNAL_FOLDER

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2021-10-31"


def prefect_api_url() -> str:
    """The session's Prefect server (tests/integration/conftest.py), for the child."""
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


def stc_report(
    arguments: list[str], fault: str = "none", folder: Path | None = None, **environment: str
) -> subprocess.CompletedProcess[str]:
    """Run `stc-report ARGUMENTS` in its own process, with `fault` injected under `folder`."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url(), "COLUMNS": "200", **environment}
    command = [sys.executable, str(REPO / "tests" / "cli_driver.py"), fault]
    command += [str(folder or REPO / "nowhere"), "--", *arguments]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def files_of(folder: Path) -> dict[str, str]:
    """Every file a person sees in the folder, with its SHA-256."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and INTERNAL_FOLDER not in path.relative_to(folder).parts
    }


def assert_one_line(result: subprocess.CompletedProcess[str], exit_code: int, says: str) -> None:
    """Exit status, one line on stderr saying `says`, no traceback anywhere."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == exit_code, result.stderr
    assert len(lines) == 1, result.stderr
    assert says in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture(scope="module")
def previous_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A config of two sample trackers, and the folder of a finished run with it."""
    folder = tmp_path_factory.mktemp("environment")
    config = folder / "program.yaml"
    sample = (REPO / "config" / "program.yaml").read_text()
    config.write_text(sample.replace("../data/sample/", f"{REPO}/data/sample/"))
    out = folder / "previous"
    arguments = ["run", "--config", str(config), "--out", str(out), "--as-of", AS_OF]
    result = CliRunner().invoke(app, [*arguments, "--only", "fresno", "oakland"])
    assert result.exit_code == 0, result.output
    return config, out


def rerun_arguments(config: Path, out: Path) -> list[str]:
    arguments = ["run", "--config", str(config), "--out", str(out), "--as-of", AS_OF]
    return [*arguments, "--only", "fresno", "oakland"]


def test_output_folder_that_is_a_file_exits_two_naming_it(
    previous_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """`--out` naming a file: one line naming it, exit 2, the file untouched, nothing read."""
    config, _ = previous_run
    a_file = tmp_path / "out.txt"
    a_file.write_bytes(b"notes")
    result = stc_report(rerun_arguments(config, a_file))
    assert_one_line(result, 2, f"{a_file} is a file, not a folder")
    assert a_file.read_bytes() == b"notes"
    assert "Reading" not in result.stdout  # refused before any tracker is read


def test_output_folder_below_a_file_exits_two_naming_the_file(
    previous_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """`--out FILE/reports`: the file in the way is named, before any tracker is read."""
    config, _ = previous_run
    a_file = tmp_path / "out.txt"
    a_file.write_bytes(b"notes")
    result = stc_report(rerun_arguments(config, a_file / "reports"))
    assert_one_line(result, 2, f"{a_file} is a file, not a folder")
    assert "Reading" not in result.stdout


@pytest.mark.parametrize(
    ("fault", "exit_code", "says"),
    [
        ("read-only", 2, "cannot write in {out} (Read-only file system)"),
        ("full-disk", 1, "the disk is full (no space left to write in {out})"),
    ],
)
def test_a_faulty_output_folder_stops_in_one_line_and_keeps_the_previous_outputs(
    fault: str, exit_code: int, says: str, previous_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """A read-only folder (exit 2) or a full disk while writing (exit 1): nothing changed."""
    config, previous = previous_run
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = files_of(out)
    result = stc_report(rerun_arguments(config, out), fault, out)
    assert_one_line(result, exit_code, says.format(out=out))
    assert files_of(out) == before
    if fault == "full-disk":  # it failed on the way, so the next run simply works
        assert stc_report(rerun_arguments(config, out)).returncode == 0
        assert files_of(out).keys() == before.keys()


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind the superuser")
def test_a_folder_without_write_permission_exits_two(
    previous_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """The same with real permissions, where they apply: `chmod a-w` on the folder."""
    config, previous = previous_run
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = files_of(out)
    for folder in (out, out / INTERNAL_FOLDER):
        folder.chmod(0o555)
    try:
        result = stc_report(rerun_arguments(config, out))
    finally:
        for folder in (out, out / INTERNAL_FOLDER):
            folder.chmod(0o755)
    assert_one_line(result, 2, f"cannot write in {out}")
    assert files_of(out) == before


def test_an_unreachable_prefect_api_exits_two_before_anything_is_read(
    previous_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """PREFECT_API_URL at a closed port: one line saying what to do, exit 2, nothing written."""
    config, _ = previous_run
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    out = tmp_path / "out"
    result = stc_report(rerun_arguments(config, out), PREFECT_API_URL=closed)
    assert_one_line(result, 2, f"the Prefect API at {closed} (PREFECT_API_URL) does not answer")
    assert "unset PREFECT_API_URL" in result.stderr
    assert not out.exists()


def test_a_program_year_beyond_the_window_is_a_config_error(
    previous_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """years: [2, 99] (and 9000, beyond any date) stop both commands with exit 2."""
    config, _ = previous_run
    for year in (99, 9000):
        far = tmp_path / f"far-{year}.yaml"
        far.write_text(config.read_text().replace("years: [2, 3]", f"years: [2, {year}]"))
        for command in (["validate"], ["run", "--out", str(tmp_path / "out")]):
            result = stc_report([*command, "--config", str(far)])
            assert result.returncode == 2, result.stderr
            assert f"year {year} starts after the program window ends (2021-10-31)" in (
                result.stderr
            )
            assert "the window holds years 1 to 3" in result.stderr
            assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def damaged_copy(source: Path, target: Path) -> Path:
    """The workbook with its first sheet's XML cut in half, as a broken download leaves it."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as damaged:
        for name in original.namelist():
            data = original.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            damaged.writestr(name, data)
    return target


@pytest.mark.parametrize("workbook", ["symlink-loop", "damaged-sheet-xml"])
def test_a_looping_or_damaged_workbook_fails_its_collaborative_alone(
    workbook: str, previous_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """`validate` and `run`: Oakland fails with the reason and the fix; Fresno is checked."""
    config, _ = previous_run
    oakland = tmp_path / "oakland.xlsx"
    if workbook == "symlink-loop":
        (tmp_path / "other.xlsx").symlink_to(oakland)
        oakland.symlink_to(tmp_path / "other.xlsx")
        says = "is a shortcut (symbolic link) that leads back to itself"
    else:
        damaged_copy(REPO / "data/sample/oakland.xlsx", oakland)
        says = "oakland.xlsx is damaged and cannot be read"
    broken = tmp_path / "program.yaml"
    broken.write_text(config.read_text().replace(f"{REPO}/data/sample/oakland.xlsx", str(oakland)))
    only = ["--only", "fresno", "oakland"]
    checked = stc_report(["validate", "--config", str(broken), *only])
    out = tmp_path / "out"
    ran = stc_report(["run", "--config", str(broken), "--out", str(out), "--as-of", AS_OF, *only])
    for result in (checked, ran):
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert says in " ".join(result.stdout.split())
    assert "fresno: ok" in checked.stdout
    assert (out / "reports" / "collaborative-fresno.docx").is_file()

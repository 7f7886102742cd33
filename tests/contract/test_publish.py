"""`stc-report publish` and `new-tracker` against the fake Google Drive (interface.md v1.1)."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.cli import app
from stc_reporting.config import GoogleConfig
from stc_reporting.google_access import GoogleAccess, RetryPolicy, google_access
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.outputs.drive import DrivePublisher, share_drafts
from stc_reporting.outputs.local_publisher import LocalFolderPublisher
from stc_reporting.outputs.publish_run import PUBLISHED_FILE, publish_run
from stc_reporting.outputs.run_page import shared_files
from stc_reporting.outputs.writer import WrittenFile, read_manifest
from tests.builders import activity, minimal_tabs, partner
from tests.fakes.google import GOOGLE_SHEET, FakeGoogle, GoogleAccounts
from tests.reporting import docx_text, run_domain

pytestmark = pytest.mark.contract

runner = CliRunner()
REPORTS = ["reports/collaborative-alpha.docx", "reports/program-report.docx"]
NAMES = sorted(Path(report).name for report in REPORTS)


@pytest.fixture(scope="module")
def made_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of one collaborative by the domain pipeline: drafts, manifest, report texts."""
    tmp = tmp_path_factory.mktemp("made")
    tabs = minimal_tabs(
        [activity("A1", day=date(2020, 3, 1), participants=40), activity("A2")], [partner()]
    )
    run = run_domain(tmp, {"alpha": tabs})
    return run.out


@pytest.fixture
def run_dir(made_run: Path, tmp_path: Path) -> Path:
    """A fresh copy of the run folder for one test, with the config it was made with."""
    copy = tmp_path / "run"
    shutil.copytree(made_run, copy)
    shutil.copy(made_run.parent / "program.yaml", tmp_path / "program.yaml")
    return copy


def google_settings(fake: FakeGoogle, credentials: Path, folder: str | None) -> dict[str, Any]:
    return {
        "credentials": str(credentials),
        "sheets_endpoint": fake.sheets_base,
        "drive_endpoint": fake.drive_endpoint.removesuffix("/drive/v3/"),
        "token_uri": fake.token_uri,
        "drive_folder_id": folder,
    }


def drive_config(run_dir: Path, fake: FakeGoogle, credentials: Path, folder: str) -> Path:
    """The run's config with a `google:` section pointing at the fake and its folder."""
    config = run_dir.parent / "program.yaml"
    google = json.dumps(google_settings(fake, credentials, folder))
    config.write_text(config.read_text() + f"google: {google}\n")
    return config


def access(fake: FakeGoogle, credentials: Path) -> GoogleAccess:
    settings = google_settings(fake, credentials, None)
    return google_access(GoogleConfig.model_validate(settings), environment={}, timeout=5)


def publish(config: Path, run_dir: Path, *extra: str) -> Any:
    return runner.invoke(
        app, ["publish", str(run_dir), "--config", str(config), *extra], catch_exceptions=False
    )


def history(run_dir: Path) -> list[dict[str, Any]]:
    publications: list[dict[str, Any]] = json.loads((run_dir / PUBLISHED_FILE).read_text())[
        "publications"
    ]
    return publications


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_publish_lands_the_finals_in_drive_and_a_second_publish_replaces_them(
    run_dir: Path,
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """Two publishes: one file per report, two revisions kept forever, both recorded.

    Each final is its reviewed draft without the draft marks.
    """
    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    config = drive_config(run_dir, fake_google, google_credentials_file, folder)

    first = publish(config, run_dir, "--reviewer", "Ana Ruiz", "--note", "October, approved")
    second = publish(config, run_dir, "--reviewer", "Ben Cho")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    files = fake_google.files_in(folder)
    assert sorted(f.name for f in files) == NAMES
    for file in files:
        assert len(file.revisions) == 2, file.name
        assert all(revision.keep_forever for revision in file.revisions), file.name
        assert_final_is_draft_without_marks(file.content, run_dir / "reports" / file.name, tmp_path)
    ana, ben = history(run_dir)
    assert (ana["reviewer"], ana["note"], ben["reviewer"], ben["note"]) == (
        "Ana Ruiz",
        "October, approved",
        "Ben Cho",
        None,
    )
    by_id = {f.file_id: f for f in files}
    for publication in (ana, ben):
        assert [entry["file"] for entry in publication["files"]] == REPORTS
        assert publication["not_published"] == []
        for entry in publication["files"]:
            drive_file = by_id[entry["id"]]
            assert entry["link"] == drive_file.web_view_link()
            assert entry["sha256"] == sha(drive_file.content)
            assert entry["draft_sha256"] == sha((run_dir / entry["file"]).read_bytes())
    assert fake_google.internal_errors == []


def assert_final_is_draft_without_marks(final: bytes, draft: Path, tmp_path: Path) -> None:
    """The final's text is the draft's with the draft marks taken out, nothing else."""
    (tmp_path / "final.docx").write_bytes(final)
    final_text = docx_text(tmp_path / "final.docx")
    draft_text = docx_text(draft)
    assert "Draft for review" in draft_text
    assert "draft" not in final_text.lower()
    for mark in ("Draft for review by program staff before it is sent.", " · Draft for review"):
        draft_text = draft_text.replace(mark, "")
    assert final_text.split() == draft_text.split()


def test_a_changed_draft_is_refused_and_the_others_are_published(
    run_dir: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """An edited draft: that report is not uploaded nor recorded; exit 1."""
    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    config = drive_config(run_dir, fake_google, google_credentials_file, folder)
    edited = run_dir / "reports/collaborative-alpha.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")

    result = publish(config, run_dir, "--reviewer", "Ana")

    assert result.exit_code == 1, result.output
    assert "collaborative-alpha.docx" in result.output and "changed" in result.output
    assert [f.name for f in fake_google.files_in(folder)] == ["program-report.docx"]
    (publication,) = history(run_dir)
    assert [entry["file"] for entry in publication["files"]] == [REPORTS[1]]
    assert len(publication["not_published"]) == 1
    assert "collaborative-alpha.docx" in publication["not_published"][0]


def test_a_folder_not_shared_says_to_share_it_and_records_nothing(
    run_dir: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """404 on the folder: exit 1, the message names the account, the role and the key."""
    folder = fake_google.add_folder("Finals", writers=[google_accounts.outsider.email])
    config = drive_config(run_dir, fake_google, google_credentials_file, folder)

    result = publish(config, run_dir, "--reviewer", "Ana")

    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    email = google_accounts.reader.email
    assert f"share the folder with {email} as Content manager" in output
    assert "google.drive_folder_id" in output
    assert fake_google.files_in(folder) == []
    assert not (run_dir / PUBLISHED_FILE).exists()


def test_a_folder_shared_read_only_says_content_manager(
    run_dir: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """The account sees the folder but may not add to it (403): the same advice."""
    email = google_accounts.reader.email
    folder = fake_google.add_folder("Finals", readers=[email])
    config = drive_config(run_dir, fake_google, google_credentials_file, folder)

    result = publish(config, run_dir, "--reviewer", "Ana")

    assert result.exit_code == 1, result.output
    assert f"Share the folder with {email} as Content manager" in " ".join(result.output.split())
    assert not (run_dir / PUBLISHED_FILE).exists()


def test_rate_limits_and_resets_are_tried_again_within_bounds(
    run_dir: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """Two 429s and a reset on the way: every report lands once; the sleeps were jittered."""
    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    fake_google.faults.fail(429, times=2, kind="drive.files.create")
    fake_google.faults.reset_connection(kind="drive.files.list")
    sleeps: list[float] = []
    publisher = DrivePublisher(
        access(fake_google, google_credentials_file),
        folder,
        RetryPolicy(attempts=5, first_delay=0.01, max_delay=0.05, sleep=sleeps.append),
    )

    result = publish_run(run_dir, publisher, "Ana")

    assert result.failures == []
    assert sorted(f.name for f in fake_google.files_in(folder)) == NAMES
    assert fake_google.count(status=429) == 2
    # The reset fails two tries: httplib2 meets a broken pipe once on the reused connection.
    assert len(sleeps) == 4 and all(0 <= s <= 0.05 for s in sleeps)


def test_a_rate_limit_that_never_clears_fails_after_the_bound(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """429 on every upload: each file fails after `attempts` tries, saying to try later."""
    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    fake_google.faults.fail(429, times=100, kind="drive.files.create")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/r.docx").write_bytes(b"final")
    written = WrittenFile("reports/r.docx", "program-report", None, sha(b"final"), 5)
    publisher = DrivePublisher(
        access(fake_google, google_credentials_file),
        folder,
        RetryPolicy(attempts=3, first_delay=0.0, sleep=lambda _: None),
    )

    outcome = publisher.publish(tmp_path, [written])

    assert outcome.published == []
    assert "429" in outcome.failures[0]
    assert fake_google.count(kind="drive.files.create", status=429) == 3


def test_a_template_change_since_the_run_refuses_every_report(
    run_dir: Path, tmp_path: Path
) -> None:
    """Drafts rendered again no longer match the reviewed ones: nothing is published."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    labels = templates / "labels.en.yaml"
    text = labels.read_text()
    assert 'title: "Report on program years {years}"' in text
    labels.write_text(text.replace("Report on program years", "Report on the program years"))
    publisher = LocalFolderPublisher(run_dir / "final")

    result = publish_run(run_dir, publisher, "Ana", templates=templates)

    assert result.exit_code == 1 and result.publication is None
    assert len(result.failures) == 2
    assert all("differs from the reviewed draft" in failure for failure in result.failures)
    assert not (run_dir / "final").exists() and not (run_dir / PUBLISHED_FILE).exists()


def test_without_a_drive_folder_the_finals_go_to_final_and_are_recorded(run_dir: Path) -> None:
    """No google.drive_folder_id: RUN_DIR/final/ gets the finals; published.json says so."""
    result = publish(run_dir.parent / "program.yaml", run_dir, "--reviewer", "Ana")

    assert result.exit_code == 0, result.output
    final = run_dir / "final"
    assert sorted(p.name for p in final.iterdir()) == NAMES
    (publication,) = history(run_dir)
    for entry in publication["files"]:
        name = Path(entry["file"]).name
        assert entry["id"] == name
        assert entry["sha256"] == sha((final / name).read_bytes())
        assert entry["link"] == (final / name).resolve().as_uri()


def test_a_folder_that_is_not_a_run_is_a_usage_error(tmp_path: Path, made_run: Path) -> None:
    """No manifest.json: exit 2, nothing written there."""
    empty = tmp_path / "not-a-run"
    empty.mkdir()
    result = publish(made_run.parent / "program.yaml", empty, "--reviewer", "Ana")
    assert result.exit_code == 2
    assert "no manifest.json" in " ".join(result.output.split())
    assert list(empty.iterdir()) == []


def test_new_tracker_makes_a_converted_sheet_and_prints_the_config_entry(
    tmp_path: Path,
    made_run: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """The template goes up as an .xlsx converted to a Sheet; the entry names its id."""
    folder = fake_google.add_folder("Trackers", writers=[google_accounts.reader.email])
    shutil.copy(made_run.parent / "program.yaml", tmp_path / "program.yaml")
    config = drive_config(tmp_path / "run", fake_google, google_credentials_file, folder)

    result = runner.invoke(
        app,
        ["new-tracker", "eureka", "--name", "Eureka Rising", "--config", str(config)],
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.output
    (conversion,) = fake_google.conversions
    assert conversion.content == (TEMPLATES_DIR / "tracker-template.xlsx").read_bytes()
    sheet = fake_google.drive_file(conversion.file_id)
    assert (sheet.name, sheet.mime_type, sheet.parents) == (
        "Eureka Rising tracker",
        GOOGLE_SHEET,
        [folder],
    )
    assert "  - id: eureka\n    name: Eureka Rising\n" in result.output
    assert f"    sheet_id: {conversion.file_id}\n" in result.output
    assert "share the Sheet with the people who keep the tracker" in result.output


def test_new_tracker_refuses_a_bad_id_and_a_taken_name(
    tmp_path: Path,
    made_run: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """An id that is not [a-z0-9-]+ is a usage error; a Sheet of that name is never replaced."""
    folder = fake_google.add_folder("Trackers", writers=[google_accounts.reader.email])
    shutil.copy(made_run.parent / "program.yaml", tmp_path / "program.yaml")
    config = drive_config(tmp_path / "run", fake_google, google_credentials_file, folder)

    def new(identifier: str) -> Any:
        arguments = ["new-tracker", identifier, "--name", "Eureka", "--config", str(config)]
        return runner.invoke(app, arguments, catch_exceptions=False)

    assert new("Eureka_1").exit_code == 2
    assert new("alpha").exit_code == 2  # already in the config
    assert new("eureka").exit_code == 0
    again = new("eureka-2")
    assert again.exit_code == 1
    assert "already in the Drive folder" in again.output
    assert len(fake_google.conversions) == 1


def drafts_of(run_dir: Path) -> list[WrittenFile]:
    """What a deployment run shares with reviewers: its drafts and data-quality page."""
    return shared_files(read_manifest((run_dir / "manifest.json").read_bytes()))


def test_drafts_go_to_the_reviewers_drive_folder_named_by_month_and_updated_in_place(
    run_dir: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """`google.drafts_folder_id`: each draft as `<month> <name>`; a rerun adds a revision."""
    folder = fake_google.add_folder("Drafts", writers=[google_accounts.reader.email])
    files = drafts_of(run_dir)
    google = access(fake_google, google_credentials_file)

    first = share_drafts(google, folder, run_dir, files, "2021-10")
    again = share_drafts(google, folder, run_dir, files, "2021-10")

    assert first.failures == [] and first.links == again.links
    in_drive = {f.name: f for f in fake_google.files_in(folder)}
    assert sorted(in_drive) == sorted(f"2021-10 {Path(f.path).name}" for f in files)
    for written in files:
        drive_file = in_drive[f"2021-10 {Path(written.path).name}"]
        assert drive_file.content == (run_dir / written.path).read_bytes()
        assert first.links[written.path] == drive_file.web_view_link()
        assert len(drive_file.revisions) == 2


def test_drafts_not_shared_say_why_and_keep_their_local_links(
    run_dir: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """A folder the key cannot write to: a reason a person acts on, no Drive links."""
    folder = fake_google.add_folder("Drafts", readers=[google_accounts.reader.email])
    files = drafts_of(run_dir)
    shared = share_drafts(
        access(fake_google, google_credentials_file), folder, run_dir, files, "2021-10"
    )
    assert shared.links == {}
    assert len(shared.failures) == len(files)
    assert all("was not shared" in failure for failure in shared.failures)

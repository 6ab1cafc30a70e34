"""A batch import (several files, a folder, a .zip; the page and the command) imports each
file on its own: one bad file among good ones refuses only itself, and says exactly why."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from postmortems.documents import batch
from postmortems.models import Incident

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
STANDARD = (SAMPLES / "standard.md").read_bytes()
QUICK = (SAMPLES / "quick.md").read_bytes()
VARIATIONS = (SAMPLES / "variations.md").read_bytes()
BAD = STANDARD.replace(b"| 09:15 |", b"| 29:15 |")  # line 14: not a time of day
BAD_REASON = "line 14: 29:15 is not a time of day (HH:MM or HH:MM:SS, 00:00–23:59)."  # noqa: RUF001


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_one_bad_file_among_good_ones_refuses_only_itself():
    results = batch.import_files([("standard.md", STANDARD), ("bad.md", BAD),
                                  ("quick.md", QUICK), ("notes.pdf", b"%PDF")])
    assert [(r.name, r.imported, r.error, r.skipped) for r in results] == [
        ("standard.md", True, "", ""),
        ("bad.md", False, BAD_REASON, ""),
        ("quick.md", True, "", ""),
        ("notes.pdf", False, "", "not a Markdown file (.md) or a .zip"),
    ]
    assert sorted(Incident.objects.values_list("title", flat=True)) == [
        "Checkout API timeouts after connection pool change", "Stale prices on the product page"]
    assert "timeline: 5 entries" in results[0].report


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    [result] = batch.import_files([("latin1.md", STANDARD.replace(b"fired", b"f\xe9red"))])
    assert result.error == "line 13: The file is not UTF-8 text."


def test_a_zip_is_unpacked_and_each_file_reported(editor_client):
    archive = zipped([("2026/standard.md", STANDARD), ("2026/bad.md", BAD),
                      ("variations.md", VARIATIONS), ("readme.pdf", b"x"),
                      ("__MACOSX/._standard.md", b"junk")])
    upload = SimpleUploadedFile("wiki.zip", archive, content_type="application/zip")
    response = editor_client.post("/incidents/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="import-result"') == 4
    assert "wiki.zip/2026/bad.md" in page
    assert "Line 14: 29:15 is not a time of day" in page
    assert "Nothing of this file was imported." in page
    assert "Lessons Learned: kept in Imported notes" in page
    assert Incident.objects.count() == 2


def test_several_files_upload_at_once(editor_client):
    uploads = [SimpleUploadedFile(name, data, content_type="text/markdown")
               for name, data in [("a.md", STANDARD), ("b.md", QUICK)]]
    response = editor_client.post("/incidents/import/", {"file": uploads})
    assert response.status_code == 200
    assert response.content.decode().count("badge text-bg-success") == 2
    assert Incident.objects.count() == 2


def test_a_batch_where_every_file_is_refused_answers_400(editor_client):
    upload = SimpleUploadedFile("bad.md", BAD, content_type="text/markdown")
    other = SimpleUploadedFile("other.md", b"no title", content_type="text/markdown")
    response = editor_client.post("/incidents/import/", {"file": [upload, other]})
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_a_zip_over_the_file_limit_is_refused_whole(monkeypatch):
    monkeypatch.setattr(batch, "MAX_FILES", 2)
    archive = zipped([(f"{n}.md", STANDARD) for n in range(3)])
    [result] = batch.import_files([("big.zip", archive)])
    assert result.error == "big.zip holds 3 files; at most 2 are imported at once."
    assert not Incident.objects.exists()


def test_a_broken_zip_is_refused_with_a_message():
    [result] = batch.import_files([("broken.zip", b"PK\x03\x04 not really")])
    assert result.error == "broken.zip is not a readable .zip archive."


def test_the_command_imports_several_paths_and_names_the_refused_one(tmp_path, capsys):
    for name, data in [("standard.md", STANDARD), ("bad.md", BAD), ("quick.md", QUICK)]:
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / name) for name in ("standard.md", "bad.md", "quick.md")]
    with pytest.raises(CommandError, match="1 of 3 files refused; the others were imported"):
        call_command("import_postmortem", *paths)
    out, err = capsys.readouterr()
    assert f"{paths[1]}: refused, {BAD_REASON}" in err
    assert out.count(": incident ") == 2
    assert Incident.objects.count() == 2


def test_the_command_imports_a_folder(tmp_path, capsys):
    (tmp_path / "standard.md").write_bytes(STANDARD)
    (tmp_path / "quick.md").write_bytes(QUICK)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    call_command("import_postmortem", "--dir", str(tmp_path))
    assert capsys.readouterr().out.count(": incident ") == 2
    assert Incident.objects.count() == 2


def test_an_upload_larger_than_a_batch_is_refused_unread(editor_client, monkeypatch):
    monkeypatch.setattr(batch, "MAX_BATCH_BYTES", 1024 * 1024)
    huge = SimpleUploadedFile("huge.md", b"x" * (3 * 1024 * 1024), content_type="text/markdown")
    response = editor_client.post("/incidents/import/", {"file": [huge]})
    assert response.status_code == 400
    assert "Line 1: The file is 3 MB; at most 1 MB are read." in response.content.decode()

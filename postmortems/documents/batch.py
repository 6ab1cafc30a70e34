"""Many documents at once: several files, a folder, or a .zip of Markdown files. Each file is
imported on its own, all or nothing for that file, and gets its own result; one bad file among
good ones refuses only itself, with its line and reason.

A zip is read with limits (number of files, total unpacked size) checked before anything is
unpacked; names that are not Markdown (``.md``, ``.markdown``, ``.txt``) are listed as skipped.
"""

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from postmortems.documents.errors import MalformedDocument
from postmortems.documents.importer import MAX_DOCUMENT_CHARS, import_document

MARKDOWN_SUFFIXES = {".md", ".markdown", ".txt"}
MAX_FILES = 200
MAX_FILE_BYTES = 4 * MAX_DOCUMENT_CHARS  # UTF-8 takes at most four bytes a character
MAX_BATCH_BYTES = 50 * 1024 * 1024


@dataclass
class FileResult:
    name: str
    incident: object = None
    report: list = field(default_factory=list)
    error: str = ""  # "line 12: reason" when refused
    skipped: str = ""  # why a file was not read at all

    @property
    def imported(self):
        return self.incident is not None


def is_markdown(name):
    return PurePosixPath(name).suffix.lower() in MARKDOWN_SUFFIXES


def is_zip(name, data):
    return name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"


def unpack(name, data):
    """A .zip → [(name, bytes)] of its Markdown files and [FileResult] for what was skipped;
    or an error for the whole archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()
                   and not PurePosixPath(info.filename).name.startswith(".")
                   and "__MACOSX" not in info.filename]
    except (zipfile.BadZipFile, OSError, ValueError):
        return [], [FileResult(name, error=f"{name} is not a readable .zip archive.")]
    if len(members) > MAX_FILES:
        return [], [FileResult(name, error=f"{name} holds {len(members)} files; at most "
                               f"{MAX_FILES} are imported at once.")]
    if sum(info.file_size for info in members) > MAX_BATCH_BYTES:
        return [], [FileResult(name, error=f"{name} unpacks to more than "
                               f"{MAX_BATCH_BYTES // (1024 * 1024)} MB.")]
    files, skipped = [], []
    for info in members:
        label = f"{name}/{info.filename}"
        if not is_markdown(info.filename):
            skipped.append(FileResult(label, skipped="not a Markdown file (.md)"))
            continue
        try:
            files.append((label, archive.read(info)))
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            skipped.append(FileResult(label, error="cannot be unpacked from the archive."))
    return files, skipped


def import_one(name, data, owner):
    if len(data) > MAX_FILE_BYTES:
        return FileResult(name, error=f"line 1: The file is {len(data) // 1024} KB; at most "
                          f"{MAX_DOCUMENT_CHARS // 1024} KB are imported.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return FileResult(name, error=f"line {line}: The file is not UTF-8 text.")
    try:
        imported = import_document(text, owner=owner)
    except MalformedDocument as malformed:
        return FileResult(name, error=f"line {malformed.line}: {malformed.reason}")
    return FileResult(name, imported.incident, imported.report)


def import_files(files, owner=None):
    """[(name, bytes)] (a .zip among them is unpacked) → [FileResult], in the given order."""
    results = []
    for name, data in files:
        if is_zip(name, data):
            inner, skipped = unpack(name, data)
            results += skipped
            results += [import_one(label, content, owner) for label, content in inner]
        elif not is_markdown(name):
            results.append(FileResult(name, skipped="not a Markdown file (.md) or a .zip"))
        else:
            results.append(import_one(name, data, owner))
    return results


def import_uploads(uploads, owner=None):
    """Uploaded files (several, a folder's, a .zip) → [FileResult]; a file larger than a whole
    batch may be is refused unread."""
    results = []
    for upload in uploads:
        if upload.size > MAX_BATCH_BYTES:
            results.append(FileResult(upload.name, error=f"line 1: The file is "
                                      f"{upload.size // (1024 * 1024)} MB; at most "
                                      f"{MAX_BATCH_BYTES // (1024 * 1024)} MB are read."))
        else:
            results += import_files([(upload.name, upload.read())], owner)
    return results

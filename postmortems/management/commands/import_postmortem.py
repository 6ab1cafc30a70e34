from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from postmortems.documents.batch import import_files, is_markdown


class Command(BaseCommand):
    help = ("Create incidents and their postmortems from Markdown files (the guide's templates, "
            "export_postmortem's output, or a .zip of them); prints each new incident's id. "
            "Each file is imported all or nothing; a malformed file is refused with the line "
            "and the reason, the others are still imported.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Markdown files or .zip archives.")
        parser.add_argument("--dir", action="append", default=[],
                            help="A folder: every .md file in it (not in sub-folders).")

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]]
        for folder in options["dir"]:
            if not Path(folder).is_dir():
                raise CommandError(f"{folder} is not a folder.")
            paths += sorted(path for path in Path(folder).iterdir()
                            if path.is_file() and is_markdown(path.name))
        if not paths:
            raise CommandError("Give Markdown files, a .zip, or --dir FOLDER.")
        files = []
        for path in paths:
            try:
                files.append((str(path), path.read_bytes()))
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        results = import_files(files)
        if len(results) == 1 and not results[0].skipped:
            return self.single(results[0])
        refused = 0
        for result in results:
            if result.imported:
                self.stdout.write(f"{result.name}: incident {result.incident.pk} "
                                  f"({'; '.join(result.report[1:])})")
            elif result.skipped:
                self.stdout.write(f"{result.name}: skipped, {result.skipped}")
            else:
                refused += 1
                self.stderr.write(f"{result.name}: refused, {result.error} "
                                  "Nothing of this file was imported.")
        if refused:
            raise CommandError(f"{refused} of {len(results)} files refused; the others were "
                               "imported.")

    def single(self, result):
        if not result.imported:
            raise CommandError(f"{result.name}: {result.error} Nothing was imported.")
        self.stdout.write(str(result.incident.pk))

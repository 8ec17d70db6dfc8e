"""`manage.py import_dgii_rnc FILE`: load DGII's registry of taxpayers (`DGII_RNC.TXT`, or
the `DGII_RNC.zip` DGII publishes it in) into the shared RNC registry.

Streams the file (memory stays flat for its ~740,000 lines), upserts in batches in one
transaction, and reports what it read, imported and skipped. Run it again at will: it
updates what changed. The weekly refresh (`DGII_RNC_URL`) runs the same import.
"""

from __future__ import annotations

import json
import resource
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoicing.contacts import registry
from invoicing.contacts.services import REGISTRY_BATCH_SIZE, rnc_registry_import
from invoicing.core.errors import InvalidInput

REASONS = {
    registry.WRONG_FIELD_COUNT: "with a number of fields other than 11",
    registry.INVALID_ID: "whose RNC/cédula is not valid",
    registry.MISSING_NAME: "without a name",
    registry.REPEATED: "repeated (a later line for the same id replaced them: the last wins)",
}


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


class Command(BaseCommand):
    help = "Import DGII's RNC registry from DGII_RNC.TXT or DGII_RNC.zip (Windows-1252)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of DGII_RNC.TXT or DGII_RNC.zip")
        parser.add_argument("--batch-size", type=int, default=REGISTRY_BATCH_SIZE,
                            help=f"rows per upsert (default {REGISTRY_BATCH_SIZE})")
        parser.add_argument("--prune", action="store_true",
                            help="delete taxpayers of earlier imports this file no longer has")
        parser.add_argument("--json", action="store_true",
                            help="print the counts as one JSON line instead of sentences")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        memory = {"peak_rss_kb_before": peak_rss_kb()}
        progress_every = 100_000 if options["verbosity"] >= 2 else 0

        def on_batch(read: int) -> None:
            # Memory after the first batch, against the end: flat means the rest of the file
            # adds nothing.
            memory.setdefault("peak_rss_kb_first_batch", peak_rss_kb())
            if progress_every and read // progress_every != memory.get("progress", 0):
                memory["progress"] = read // progress_every
                self.stderr.write(f"  {read:,} lines read…")

        try:
            run = rnc_registry_import(path=path, source=path.name,
                                      batch_size=options["batch_size"], prune=options["prune"],
                                      on_batch=on_batch)
        except (InvalidInput, ValueError, zipfile.BadZipFile) as error:
            raise CommandError(f"{path.name}: {getattr(error, 'message', error)}") from None
        memory.pop("progress", None)
        memory["peak_rss_kb"] = peak_rss_kb()
        memory.setdefault("peak_rss_kb_first_batch", memory["peak_rss_kb"])
        counts = {**run.counts, "import_id": run.pk, **memory}
        if options["json"]:
            self.stdout.write(json.dumps(counts))
            return
        self._report(path, counts)

    def _report(self, path: Path, counts: dict) -> None:
        imported = counts["created"] + counts["updated"]
        self.stdout.write(
            f"Read {counts['read']:,} lines from {path.name}: {imported:,} taxpayers imported "
            f"({counts['created']:,} new, {counts['updated']:,} updated).")
        skipped = counts["skipped"]
        total = sum(skipped.values())
        if total:
            parts = [f"{number:,} {REASONS[reason]}" for reason, number in skipped.items()
                     if number]
            self.stdout.write(f"Skipped {total:,} lines: " + "; ".join(parts) + ".")
        if counts.get("deleted"):
            self.stdout.write(f"Deleted {counts['deleted']:,} taxpayers this file no longer "
                              "lists.")
        elif counts.get("stale"):
            self.stdout.write(f"Kept {counts['stale']:,} taxpayers of earlier imports this "
                              "file no longer lists (--prune deletes them).")
        self.stdout.write(self.style.SUCCESS(
            f"Done in {counts['seconds']:.1f} s; peak memory {counts['peak_rss_kb'] / 1024:.0f} "
            "MB."))

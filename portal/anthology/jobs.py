"""The anthology build as a background job (portal/jobs.py), like the monthly bundles: the page inserts the job
and a consumer (``flask --app portal worker``) builds the book, reporting progress after each piece of the PDF and
of the EPUB. The book's files live with the book (UPLOAD_DIR/books), not in EXPORT_DIR: the job's own result is
a one-word summary ("built" or "refused") that the export sweep removes after a day like any other."""
from __future__ import annotations

from portal import jobs
from portal.anthology import operations

KIND = operations.JOB_KIND


def build(run: jobs.JobRun) -> None:
    outcome = operations.build_book(int(run.parameters["book_id"]), run.progress)
    run.partial.write_text(outcome + "\n")

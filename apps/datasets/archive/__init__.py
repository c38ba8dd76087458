"""A project archive: one file with everything of a project, restored into
another instance as a new project, all or nothing.

What an archive holds (docs/formats.md has the records field by field):

- the project's settings (every column of Project) and who created it;
- its labels, by name, with kind, colour, key, description and position;
- its members, by username, with their roles;
- the actor registry: every actor, merged ones included, with its aliases,
  and each merge (`merged_into`, when, by whom), so merge chains survive;
- every document: its text exactly as stored (and its SHA-256, checked on
  restore), metadata, `adjudicated_at`, the annotators routing asked for;
- every annotation set of every kind (annotator, gold, prediction), in
  progress or submitted, with its version and timestamps, its spans (code
  point offsets, labels by name, actors by archive id) and stances;
- review's decisions (reversed ones too, with what they took out and put in)
  and adjudication events (accept, reopen, with reasons);
- the releases that were built (ready or failed): their options, status and
  manifest, the manifest file's exact text and its SHA-256.

Identity across instances: users by username, labels by name, actors by a
number of the archive (never the source's database ids), documents by
`external_id`; spans and stances by their id within their set.

What an archive does not hold:

- derived rows, recomputed on restore from what the archive holds: each
  document's `annotator_count` and `submitted_count` (so `manage.py recount`
  finds nothing to fix; the restore checks it), its sort keys
  `last_submitted_at` and `last_activity` (from its sets' times) and its
  disagreement score (`disagreement`, from its submitted sets);
- background jobs (Job), and releases still pending or running (work in
  flight of the source instance); a release's link to its build job;
- a release's data files (ReleaseFile): the manifest describes them, with
  each file's SHA-256; rebuild them with a new release;
- user accounts beyond their usernames (passwords, e-mail, staff flags):
  `--create-users` makes accounts without a usable password;
- references that already dangle in the source: an actor deleted since a
  decision named it becomes null in that decision's items, and a deleted
  user drops out of a decision's `annotators`.

Instance-specific, and so differing between the archive of a project and the
archive of its restored copy: only the header (when and where it was
written, the source project's id). Every other line is identical.
"""

from .restore import ArchiveError, check_users, restore_archive
from .writer import FORMAT, VERSION, ArchiveWriter, gzip_lines, write_archive

__all__ = [
    "FORMAT",
    "VERSION",
    "ArchiveError",
    "ArchiveWriter",
    "check_users",
    "gzip_lines",
    "restore_archive",
    "write_archive",
]

from django.core.management.base import BaseCommand, CommandError

from ...archive import ArchiveError, restore_archive


def user_pair(value):
    old, sep, new = value.partition("=")
    if not sep or not old or not new:
        raise CommandError(f"--user-map takes OLD=NEW, got {value!r}")
    return old, new


class Command(BaseCommand):
    help = (
        "Restore a project archive (written by archive_project) as a new project, "
        "in one transaction: any problem refuses it all."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive file.")
        parser.add_argument("--name", help="The restored project's name (default: the archive's).")
        parser.add_argument(
            "--user-map",
            nargs="+",
            default=[],
            metavar="OLD=NEW",
            help="Give the archive's user OLD's work to the user NEW of this instance.",
        )
        parser.add_argument(
            "--create-users",
            action="store_true",
            help="Create the archive's users this instance lacks (without a usable password).",
        )

    def handle(self, file, name=None, user_map=(), create_users=False, **options):
        pairs = dict(user_pair(value) for value in user_map)
        try:
            project, counts = restore_archive(
                file, name=name, user_map=pairs, create_users=create_users
            )
        except ArchiveError as exc:
            lines = [f"  {e['record']}, {e['field']}: {e['message']}" for e in exc.errors]
            raise CommandError("Nothing was restored:\n" + "\n".join(lines)) from None
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        summary = ", ".join(f"{n:,} {kind}" for kind, n in sorted(counts.items()))
        self.stdout.write(f"restored project {project.pk} {project.name!r}: {summary}")

"""Zip archives of .txt, .jsonl, .ndjson, .json and .csv files."""

import zipfile
import zlib

from . import EXTENSIONS, ImportFormatError, decode, jsonl, open_text, plain, table

MEMBER_EXTENSIONS = tuple(extension for extension in EXTENSIONS if extension != ".zip")

# Bit 11 of a zip entry's flags: the name is stored as UTF-8.
UTF8_NAME_FLAG = 0x800
# Every zip archive starts with a local file header (or, when empty, the
# end-of-central-directory record).
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def is_zip(raw):
    """Whether a binary file (seekable) is a ZIP archive; read from its start."""
    raw.seek(0)
    magic = raw.read(4)
    raw.seek(0)
    return magic in ZIP_MAGIC


def read_zip(raw, filename, collector, max_bytes=None, member_reader=None):
    """
    Add the records of every supported member, in name order. Ids must be
    unique across the whole archive, which the shared collector checks.

    ``member_reader``: a format's own reader of members, with the extensions
    it reads (``.extensions``), called as ``(content, name, where,
    collector)``; by default each member is read by its extension.
    """
    read_member = member_reader or _read_content
    extensions = getattr(member_reader, "extensions", MEMBER_EXTENSIONS)
    label = filename or "the archive"
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ImportFormatError(f"{label} is not a readable zip archive: {exc}") from None
    with archive:
        members = []
        for info in archive.infolist():
            name = member_name(info)
            if not _is_skipped(info, name):
                members.append((name, info))
        # Sorted by name so results do not depend on how the zip was made.
        members.sort(key=lambda member: member[0])
        for name, _info in members:
            if extension(name) == ".zip":
                raise ImportFormatError(
                    f"{label} contains another archive, {name}; nested archives are not read"
                )
        readable = [(name, info) for name, info in members if extension(name) in extensions]
        if max_bytes is not None:
            # Checked against the declared sizes before unpacking anything;
            # _read_member makes sure no member unpacks to more than declared.
            total = sum(info.file_size for _name, info in readable)
            if total > max_bytes:
                raise ImportFormatError(
                    f"{label} unpacks to {total} bytes; the limit is {max_bytes} bytes"
                )
        for name, info in members:
            where = f"{label}: {name}"
            if extension(name) not in extensions:
                collector.error(
                    where,
                    None,
                    f"is not a supported file; an archive may hold {', '.join(extensions)} files",
                )
                continue
            content = _read_member(archive, info, where)
            try:
                read_member(content, name, where, collector)
            except ImportFormatError as exc:
                # One unreadable member is that member's problem; the others
                # are still read so every problem is reported at once.
                collector.error(where, None, str(exc))


def _read_content(content, name, where, collector):
    fmt = EXTENSIONS[extension(name)]
    if fmt == "jsonl":
        jsonl.read_jsonl(member_text(content), collector, prefix=f"{where} ")
    elif fmt == "csv":
        table.read_csv(member_text(content, newline=""), collector, prefix=f"{where} ")
    elif fmt == "json":
        jsonl.read_json(member_text(content), "the file", collector, prefix=f"{where} ")
    else:
        plain.read_text(decode(content, "the file"), name, collector, where=where)


def member_text(content, newline="\n"):
    """A member's bytes as a text file (open_text), checked for UTF-8 before
    any of it is read: a member that is not is one record error while the
    other members are still read, so none of its records may be taken."""
    return open_text(content, "the file", newline=newline, check_first=True)


def member_name(info):
    """Return the member's path, "/"-separated."""
    name = info.filename
    if not info.flag_bits & UTF8_NAME_FLAG:
        # Without the flag, zipfile decodes names as cp437, but many tools
        # write UTF-8 without setting it; recover those names.
        try:
            name = name.encode("cp437").decode("utf-8")
        except UnicodeError:
            name = info.filename
    # Some Windows tools write "\" between folders.
    return name.replace("\\", "/")


def extension(name):
    """The lowercased extension of a member's base name, with the dot."""
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def _is_skipped(info, name):
    """Folders, macOS resource forks, and hidden files such as .DS_Store."""
    return (
        info.is_dir()
        or name.endswith("/")
        or name.startswith("__MACOSX/")
        or name.rsplit("/", 1)[-1].startswith(".")
    )


def _read_member(archive, info, where):
    try:
        with archive.open(info) as member:
            # Never more than declared plus one byte, which would show the
            # size was a lie (zipfile also fails the CRC check then).
            content = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
        # RuntimeError: encrypted; NotImplementedError (a RuntimeError):
        # unsupported compression.
        raise ImportFormatError(f"{where} cannot be unpacked: {exc}") from None
    if len(content) > info.file_size:
        raise ImportFormatError(f"{where} unpacks to more than its declared size")
    return content

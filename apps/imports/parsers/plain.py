"""Plain text: the whole file is one document."""


def strip_extension(path):
    """Drop a final ".txt" (any case) from a path."""
    return path[:-4] if path.lower().endswith(".txt") else path


def read_text(text, path, collector, where=None):
    """
    Add the file as one record. ``path`` names it: the id is the path without
    ".txt" and the title the base name without it. Without a path, the id is
    derived from the text.
    """
    item = {"text": text}
    stem = strip_extension(path)
    if stem:
        item["id"] = stem
        item["title"] = stem.rsplit("/", 1)[-1]
    collector.add(item, where or (f"file {path}" if path else "the file"))


def read_upload(text, filename, collector):
    """Add a .txt upload; only its base name counts, not a client's folders."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    read_text(text, name, collector, where=f"file {name}" if name else None)

"""The one list of a document's content fields. Pure, so the parsers and the
format writers read it without the ORM.

METADATA_FIELDS are the news metadata beside a document's id and text
(importers read them, exports write them back); STRING_FIELDS the ones that
are plain strings, blank when unknown; CONTENT_FIELDS a document's own
content as value queries read it (the API, exports).
"""

METADATA_FIELDS = ("title", "meta", "outlet", "author", "section", "url", "published")
STRING_FIELDS = ("title", "outlet", "author", "section", "url")
CONTENT_FIELDS = ("id", "external_id", "text", *METADATA_FIELDS)

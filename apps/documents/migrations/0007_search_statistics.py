"""The search's plans at scale: statistics for ten times the words.

PostgreSQL estimates how many documents hold a word from the most common
words ANALYZE keeps of the `search` column: 1,000 at the default target,
and any other word is guessed at half the rarest of them. In a news corpus
the thousandth word is in about 1% of the documents, so a word in none (or
in 0.1%) was guessed at 0.5%: enough to walk the documents in id order
testing each until a page is full, through every one of a million
documents when the word is nowhere (7.9 s), instead of one probe of the
GIN index (1.2 ms). At 2,000 (10,000 words kept) a rare word's guess is a
few hundred documents and the index is read; a common word still walks in
id order, which is fastest for it. ANALYZE of the column reads a larger
sample (about 20 s for a million documents on two cores).
"""

from django.db import migrations

TARGET = 2000


def set_target(target):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE documents_document ALTER COLUMN search SET STATISTICS {target}"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_claimable_reviewable_stored")]

    operations = [migrations.RunPython(set_target(TARGET), set_target(-1), elidable=False)]

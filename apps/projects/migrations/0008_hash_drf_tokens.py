"""Move DRF's authtoken keys, stored in clear, into ApiToken as hashes.

A hash cannot give back a secret, but a key kept as its hash still
authenticates: each client keeps working with the key it holds until the
token expires, ACCORD_TOKEN_LIFETIME_DAYS after this migration. The old table
is then dropped, so no secret stays in the database. `rest_framework.authtoken`
is no longer installed, so its table is read by name, when it exists.

The two hashes are written out here as apps/projects/tokens.py computes them
today (digest_of, password_check), so this migration keeps meaning what it
meant when it ran.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def hash_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("projects", "ApiToken")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    passwords = dict(
        User.objects.filter(pk__in=[user_id for _, user_id in rows]).values_list("pk", "password")
    )
    now = timezone.now()
    expires = now + timedelta(days=settings.ACCORD_TOKEN_LIFETIME_DAYS)
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            digest=hashlib.sha256(key.encode()).hexdigest(),
            password_check=hashlib.sha256(passwords[user_id].encode()).hexdigest(),
            name="signed in before tokens expired",
            created_at=now,
            expires_at=expires,
        )
        for key, user_id in rows
        if user_id in passwords
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_api_token"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Backwards the hashed tokens stay: their secrets cannot be written back.
    operations = [migrations.RunPython(hash_drf_tokens, migrations.RunPython.noop)]

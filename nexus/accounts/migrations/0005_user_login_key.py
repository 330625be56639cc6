"""One login key per account, replacing the unique ``lower(email)``.

Existing accounts get their key here. Accounts whose addresses fold to the same key (``isis@``
and ``ısis@``, say) cannot all keep logging in: the migration stops with a list of them, for an
operator to merge or rename, instead of picking one silently.
"""

from collections import defaultdict

from django.db import migrations, models

from nexus.accounts.login_key import login_key


class LoginKeyCollision(Exception):
    pass


def fill_login_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    by_key = defaultdict(list)
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        by_key[login_key(email)].append((pk, email))
    collisions = {key: rows for key, rows in by_key.items() if len(rows) > 1}
    if collisions:
        listed = "\n".join(
            f"  {key!r}: " + ", ".join(f"user {pk} <{email}>" for pk, email in rows)
            for key, rows in sorted(collisions.items())
        )
        raise LoginKeyCollision(
            "These accounts share a login key; merge or rename them, then migrate again:\n" + listed
        )
    for key, ((pk, _email),) in by_key.items():
        User.objects.filter(pk=pk).update(login_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_mfa_challenge"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="login_key",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(fill_login_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="login_key",
            field=models.TextField(
                editable=False,
                help_text="The address as compared at login, reset and sign-up (see nexus.accounts.login_key).",
                unique=True,
            ),
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="accounts_user_email_ci_unique",
        ),
    ]

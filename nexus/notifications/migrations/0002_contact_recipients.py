"""Recipients who are not users (contacts, by email address and name), and bounced emails."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("tenancy", "0002_tenant_code_validators"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="recipient_name",
            field=models.CharField(
                blank=True, help_text="For a contact: the name the email is addressed to.", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                help_text="The user it is for; empty for a contact (a customer or vendor): see the name and address.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sent", "Sent"),
                    ("delivered", "Delivered"),
                    ("failed", "Failed"),
                    ("bounced", "Bounced"),
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("recipient__isnull", False),
                    models.Q(
                        ("channel", "email"),
                        ("tenant__isnull", False),
                        models.Q(("email_address", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="notif_user_or_contact_email",
            ),
        ),
    ]

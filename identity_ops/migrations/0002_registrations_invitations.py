# Registrations and invitations (IdentityOperations I): tenant-scoped, with row-level security.

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import django_fsm
from django.conf import settings
from django.db import migrations, models

import nexus.core.migration_ops
import nexus.core.rls


class Migration(migrations.Migration):
    dependencies = [
        ("identity_ops", "0001_mfa_enrolment"),
        ("tenancy", "0002_tenant_code_validators"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("full_name", models.CharField(blank=True, max_length=150)),
                ("role", models.CharField(max_length=32)),
                (
                    "created_user",
                    models.BooleanField(
                        default=False, help_text="The account was created for this invitation."
                    ),
                ),
                (
                    "created_membership",
                    models.BooleanField(
                        default=False, help_text="The membership was created for this invitation."
                    ),
                ),
                ("token_digest", models.CharField(max_length=64)),
                ("expires_at", models.DateTimeField()),
                ("sent_count", models.PositiveIntegerField(default=1)),
                ("last_sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("accepted_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                ("expired_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "status",
                    django_fsm.FSMField(
                        choices=[
                            ("pending", "Pending"),
                            ("accepted", "Accepted"),
                            ("revoked", "Revoked"),
                            ("expired", "Expired"),
                        ],
                        default="pending",
                        max_length=16,
                        protected=True,
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tenancy.membership",
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.tenant",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        help_text="The invited person's account.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Registration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("idempotency_key", models.CharField(max_length=128)),
                (
                    "source",
                    models.CharField(
                        choices=[("sign_up", "Self sign-up"), ("invitation", "Invitation")], max_length=16
                    ),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True, help_text="Cleared when an expired sign-up is erased.", max_length=254
                    ),
                ),
                ("full_name", models.CharField(blank=True, max_length=150)),
                ("role", models.CharField(max_length=32)),
                (
                    "created_user",
                    models.BooleanField(
                        default=False, help_text="The account was created for this registration."
                    ),
                ),
                (
                    "created_membership",
                    models.BooleanField(
                        default=False, help_text="The membership was created for this registration."
                    ),
                ),
                ("token_digest", models.CharField(blank=True, max_length=64)),
                ("token_sent_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField()),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("expired_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "status",
                    django_fsm.FSMField(
                        choices=[
                            ("pending_verification", "Pending verification"),
                            ("completed", "Completed"),
                            ("expired", "Expired"),
                        ],
                        default="pending_verification",
                        max_length=32,
                        protected=True,
                    ),
                ),
                (
                    "invitation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="registrations",
                        to="identity_ops.invitation",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tenancy.membership",
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.tenant",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "abstract": False,
            },
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(fields=["status", "expires_at"], name="identity_inv_due_idx"),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                fields=("tenant", "id"), name="identity_ops_invitation_tenant_id_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                fields=("token_digest",), name="identity_invitation_token_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                models.F("tenant"),
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("status", "pending")),
                name="identity_invitation_pending_uniq",
                violation_error_message="This address already has a pending invitation to this tenant.",
            ),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["status", "expires_at"], name="identity_reg_due_idx"),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                fields=("tenant", "id"), name="identity_ops_registration_tenant_id_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                fields=("tenant", "idempotency_key"), name="identity_registration_key_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                condition=models.Q(("token_digest", ""), _negated=True),
                fields=("token_digest",),
                name="identity_registration_token_uniq",
            ),
        ),
        nexus.core.rls.EnableTenantRLS("invitation"),
        nexus.core.rls.EnableTenantRLS("registration"),
        nexus.core.migration_ops.TenantForeignKey("registration", "invitation"),
    ]

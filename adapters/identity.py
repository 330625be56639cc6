"""The identity flows' contracts on the accounts and tenancy domains (ORM).

People and their lifecycle come from ``nexus.accounts``, memberships and tenants from
``nexus.tenancy``, logins and password reset links from the accounts mechanisms. Every method
answers a batch with a constant number of queries, except transitions, which go through the
transition service one row at a time (in ascending id), as it locks and records each.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from identity_ops.contracts.access import Client, Ended
from identity_ops.contracts.directory import (
    AlreadyExists,
    Member,
    Moved,
    NewMember,
    NewPerson,
    Person,
    Role,
    Tenant,
)
from nexus.accounts.client import client_info
from nexus.accounts.login_key import login_key
from nexus.accounts.models import User, UserStatus
from nexus.accounts.models_tokens import SuspensionReason
from nexus.accounts.password_resets import check_password_reset, issue_password_resets, redeem_password_reset
from nexus.accounts.revocation import Revoked, revoke_access
from nexus.accounts.service_token_owners import resume_owned_tokens, suspend_owned_tokens
from nexus.core import scope
from nexus.core.errors import InvalidInput
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import TransitionResult, perform_transition
from nexus.tenancy import models as tenancy
from nexus.tenancy import services as memberships


def _person(user: User) -> Person:
    return Person(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        status=user.status,
        is_platform_operator=user.is_platform_operator,
    )


def _member(membership: tenancy.Membership) -> Member:
    return Member(
        id=membership.pk,
        user_id=membership.user_id,
        tenant_id=membership.tenant_id,
        role=membership.role,
        status=membership.status,
    )


def _moved(result: TransitionResult) -> Moved:
    log = result.log
    return Moved(
        id=int(log.object_id),
        from_state=log.from_state,
        to_state=log.to_state,
        replayed=result.replayed,
        log_id=log.pk,
        occurred_at=log.occurred_at,
    )


class DjangoPeopleDirectory:
    def by_email(self, emails: Sequence[str]) -> Mapping[str, Person]:
        keys = {email: login_key(email) for email in emails if email.strip()}
        if not keys:
            return {}
        # The login key is unique, so one account per address at most.
        users = {user.login_key: user for user in User.objects.filter(login_key__in=set(keys.values()))}
        return {email: _person(users[key]) for email, key in keys.items() if key in users}

    def by_id(self, user_ids: Sequence[int]) -> Mapping[int, Person]:
        return {user.pk: _person(user) for user in User.objects.filter(pk__in=list(user_ids))}

    def password_problems(self, password: str, *, email: str, full_name: str) -> list[str]:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as error:
            return list(error.messages)
        return []

    def equalise_hashing_time(self, password: str) -> None:
        make_password(password)

    def create_pending(self, people: Sequence[NewPerson]) -> Mapping[str, Person]:
        created: dict[str, Person] = {}
        try:
            with transaction.atomic():
                for new in people:
                    user = User.objects.create_user(
                        new.email,
                        new.password,
                        full_name=new.full_name,
                        status=UserStatus.PENDING_VERIFICATION,
                    )
                    created[new.email] = _person(user)
        except (IntegrityError, ValidationError) as error:  # the address is taken (perhaps concurrently)
            raise AlreadyExists(
                fields={"email": ["A user with this email address already exists."]}
            ) from error
        return created

    def set_credentials(self, credentials: Mapping[int, tuple[str, str | None]]) -> None:
        users = User.objects.select_for_update().filter(pk__in=list(credentials)).order_by("pk")
        for user in users:
            password, full_name = credentials[user.pk]
            user.set_password(password)
            fields = ["password"]
            if full_name is not None:
                user.full_name = full_name
                fields.append("full_name")
            user.save(update_fields=fields)

    def move(
        self,
        user_ids: Sequence[int],
        transition: str,
        *,
        actor: Any,
        reason: str = "",
        idempotency_key: str = "",
    ) -> Mapping[int, Moved]:
        return {
            user_id: _moved(
                perform_transition(
                    (User, user_id), transition, actor=actor, reason=reason, idempotency_key=idempotency_key
                )
            )
            for user_id in sorted(set(user_ids))
        }

    def delete(self, user_ids: Sequence[int]) -> None:
        # The account's own rows cascade (memberships, devices, tokens, notifications); references
        # from tenant-scoped records (registrations, invitations) are cleared in every tenant.
        reason = "identity: delete accounts left unverified by expired sign-ups and invitations"
        with scope.system_context(reason), transaction.atomic():
            User.objects.filter(pk__in=list(user_ids)).delete()


class DjangoMembershipDirectory:
    def of_people(self, user_ids: Sequence[int], *, tenant_id: int) -> Mapping[int, Member]:
        rows = tenancy.Membership.objects.filter(user_id__in=list(user_ids), tenant_id=tenant_id)
        return {membership.user_id: _member(membership) for membership in rows}

    def by_id(self, membership_ids: Sequence[int]) -> Mapping[int, Member]:
        rows = tenancy.Membership.objects.filter(pk__in=list(membership_ids))
        return {membership.pk: _member(membership) for membership in rows}

    def counts_elsewhere(self, user_ids: Sequence[int], *, tenant_id: int) -> Mapping[int, int]:
        counts = dict.fromkeys(user_ids, 0)
        rows = (
            tenancy.Membership.objects.filter(user_id__in=list(user_ids))
            .exclude(tenant_id=tenant_id)
            .values_list("user_id", flat=True)
        )
        for user_id in rows:
            counts[user_id] += 1
        return counts

    def create(self, members: Sequence[NewMember]) -> Mapping[int, Member]:
        created: dict[int, Member] = {}
        try:
            with transaction.atomic():
                for new in members:
                    membership = tenancy.Membership.objects.create(
                        user_id=new.user_id,
                        tenant_id=new.tenant_id,
                        role=new.role,
                        status=tenancy.MembershipStatus.INVITED,
                    )
                    created[new.user_id] = _member(membership)
        except IntegrityError as error:  # the same membership created concurrently
            raise AlreadyExists(
                fields={"email": ["This person already has a membership in this tenant."]}
            ) from error
        return created

    def move(
        self,
        membership_ids: Sequence[int],
        transition: str,
        *,
        actor: Any,
        reason: str = "",
        idempotency_key: str = "",
    ) -> Mapping[int, Moved]:
        return {
            membership_id: _moved(
                perform_transition(
                    (tenancy.Membership, membership_id),
                    transition,
                    actor=actor,
                    reason=reason,
                    idempotency_key=idempotency_key,
                )
            )
            for membership_id in sorted(set(membership_ids))
        }

    def check_roles(self, roles: Mapping[int, str]) -> None:
        for membership in tenancy.Membership.objects.select_related("tenant").filter(pk__in=list(roles)):
            memberships.check_role_change(membership, roles[membership.pk])

    def change_roles(self, roles: Mapping[int, str], *, actor: Any) -> Mapping[int, Member]:
        reference = actor if isinstance(actor, ActorRef) else ActorRef.for_user(actor)
        return {
            membership_id: _member(
                memberships.change_member_role(membership_id, roles[membership_id], actor=reference)
            )
            for membership_id in sorted(roles)
        }

    def set_roles_quietly(self, roles: Mapping[int, str]) -> None:
        for role in set(roles.values()):
            if role not in tenancy.Role.values:
                raise InvalidInput(fields={"role": [f"Unknown role {role!r}."]})
        for membership_id, role in roles.items():
            tenancy.Membership.objects.filter(
                pk=membership_id, status=tenancy.MembershipStatus.INVITED
            ).update(role=role)

    def delete(self, membership_ids: Sequence[int]) -> None:
        tenancy.Membership.objects.filter(
            pk__in=list(membership_ids), status=tenancy.MembershipStatus.INVITED
        ).delete()


class DjangoTenantDirectory:
    def by_slug(self, slugs: Sequence[str]) -> Mapping[str, Tenant]:
        return {t.slug: _tenant(t) for t in tenancy.Tenant.objects.filter(slug__in=list(slugs))}

    def by_id(self, tenant_ids: Sequence[int]) -> Mapping[int, Tenant]:
        return {t.pk: _tenant(t) for t in tenancy.Tenant.objects.filter(pk__in=list(tenant_ids))}

    def roles(self) -> Sequence[Role]:
        return [Role(value=str(value), label=str(label)) for value, label in tenancy.Role.choices]

    def administrator_role(self) -> str:
        return str(tenancy.Role.ADMIN)

    def membership_permissions(self) -> tuple[str, str]:
        return "tenancy.view_membership", tenancy.MANAGE_MEMBERSHIPS


def _tenant(tenant: tenancy.Tenant) -> Tenant:
    return Tenant(
        id=tenant.pk, slug=tenant.slug, name=tenant.name, status=tenant.status, policies=dict(tenant.policies)
    )


def _actor_ref(actor: Any) -> ActorRef:
    return actor if isinstance(actor, ActorRef) else ActorRef.for_user(actor)


def _ended(revoked: Mapping[int, Revoked]) -> Mapping[int, Ended]:
    return {
        user_id: Ended(user_id=user_id, tokens=len(r.token_ids), sessions=len(r.session_device_ids))
        for user_id, r in revoked.items()
    }


class DjangoAccessControl:
    def end_logins(self, user_ids: Sequence[int], *, reason: str, actor: Any) -> Mapping[int, Ended]:
        return _ended(revoke_access(user_ids, reason=reason, revoked_by=_actor_ref(actor)))

    def end_tenant_sessions(
        self, user_ids: Sequence[int], *, tenant_id: int, reason: str, actor: Any
    ) -> Mapping[int, Ended]:
        return _ended(
            revoke_access(user_ids, reason=reason, revoked_by=_actor_ref(actor), tenant_id=tenant_id)
        )

    def suspend_service_tokens(
        self, user_ids: Sequence[int], *, tenant_id: int | None, reason: str, actor: Any
    ) -> list[int]:
        return suspend_owned_tokens(
            user_ids, tenant_id=tenant_id, reason=SuspensionReason(reason), actor=_actor_ref(actor)
        )

    def resume_service_tokens(
        self, user_ids: Sequence[int], *, tenant_id: int | None, reason: str, actor: Any
    ) -> list[int]:
        return resume_owned_tokens(
            user_ids, tenant_id=tenant_id, reason=SuspensionReason(reason), actor=_actor_ref(actor)
        )

    def issue_password_resets(self, user_ids: Sequence[int]) -> Mapping[int, str]:
        return issue_password_resets(user_ids)

    def check_password_reset(self, key: str) -> None:
        check_password_reset(key)

    def redeem_password_reset(self, key: str) -> int:
        return redeem_password_reset(key).pk

    def announce_password_reset(self, user_id: int, client: Client) -> None:
        publish(
            "accounts.password_reset",
            {
                "user_id": user_id,
                "ip_address": client.ip_address or None,
                "user_agent": client.user_agent or None,
            },
            tenant_id=None,
        )

    def client(self, request: Any) -> Client:
        info = client_info(request)
        return Client(ip_address=info.ip_address, user_agent=info.user_agent)

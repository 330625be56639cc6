"""Settings read from the environment.

With nothing set, Nexus runs embedded: SQLite in ``var/`` (WAL, immediate transactions),
Celery in eager mode and a local-memory cache. Every variable is listed in ``.env.example``.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-embedded-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Unfold's templates and static files before the admin's; its basic config leaves admin.site alone.
    "unfold.apps.BasicAppConfig",
    # django.contrib.admin with the tenant-aware NexusAdminSite (an Unfold site) as admin.site.
    "nexus.tenancy.admin_config.NexusAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "nexus.core",
    # After the kernel: its ``runserver`` (the embedded mode's periodic jobs) extends this app's.
    "django.contrib.staticfiles",
    "nexus.accounts",
    "nexus.tenancy",
    "nexus.notifications",
    "nexus.inventory",
    "nexus.procurement",
    "nexus.sales",
    "nexus.receivable",
    "nexus.demo",
    "identity_ops",
    "supply_chain_ops",
]

MIDDLEWARE = [
    "nexus.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from every web process, with no separate web server in front (STORAGES below).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Ends a browser session whose device was ended; keeps "last seen" of the others current.
    "nexus.accounts.session_activity.SessionDeviceMiddleware",
    "nexus.tenancy.middleware.TenantMiddleware",
    # A login limited to enrolling a second factor (tenant MFA policy) stays on the enrolment pages.
    "nexus.accounts.admin_views.EnrolmentGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "nexus.urls"
WSGI_APPLICATION = "nexus.wsgi.application"
ASGI_APPLICATION = "nexus.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env(url: str | None) -> dict[str, Any]:
    """Return the default database: ``DATABASE_URL`` when given, else embedded SQLite."""
    if url:
        config: dict[str, Any] = environ.Env.db_url_config(url)
        if config["ENGINE"] == "django.db.backends.postgresql":
            options = config.setdefault("OPTIONS", {})
            options.setdefault("connect_timeout", 5)
            config.setdefault("CONN_MAX_AGE", 60)
            config.setdefault("CONN_HEALTH_CHECKS", True)
        if config["ENGINE"] != "django.db.backends.sqlite3":
            return config
    else:
        VAR_DIR.mkdir(exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "nexus.sqlite3")}
    config.setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN
            # so two writers queue on busy_timeout instead of failing half-way with "locked".
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=5000;PRAGMA foreign_keys=ON;"
            ),
        }
    )
    return config


DATABASES = {"default": database_from_env(env.str("DATABASE_URL", default=""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_env(url: str | None, retry_after: float = 5.0) -> dict[str, Any]:
    """Return the default cache: ``CACHE_URL`` when given, else this process's memory.

    Redis is guarded (``nexus.core.cache_guard``): while it is unreachable the process serves
    from its own memory, and after a failure Redis is skipped for ``retry_after`` seconds.
    """
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    config: dict[str, Any] = environ.Env.cache_url_config(url)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "nexus.core.cache_guard.GuardedRedisCache"
        config.setdefault("OPTIONS", {}).update(
            {"socket_connect_timeout": 2, "socket_timeout": 2, "retry_after": retry_after}
        )
    return config


CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {"default": cache_from_env(CACHE_URL, env.float("CACHE_RETRY_AFTER_SECONDS", default=5.0))}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # The password check, after the (username, address) failure counter: admin and API alike.
    "nexus.accounts.login_backend.LockoutEmailBackend",
    # Permissions come from the role of the active membership in the current tenant.
    "nexus.tenancy.backends.TenantRoleBackend",
]
# Email uniqueness is a constraint on lower(email), invisible to auth's check (see EmailBackend).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# On PostgreSQL (the production shape) WhiteNoise serves what `collectstatic` gathered into
# STATIC_ROOT, under hashed, compressed names that browsers may cache for good. The embedded mode
# (`make demo`, `runserver --insecure`) serves the apps' own files and needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The admin's look (django-unfold; its fonts, icons, scripts and charts are bundled static files).
# Each app places its screens in the sidebar and its work queues on the dashboard through the
# kernel's registries (nexus.core.admin.navigation, nexus.core.admin.queues).
UNFOLD: dict[str, Any] = {
    "SITE_TITLE": "Nexus",
    "SITE_HEADER": "Nexus",
    "SITE_SUBHEADER": "Back office",
    "SITE_SYMBOL": "hub",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "BORDER_RADIUS": "6px",
    "DASHBOARD_CALLBACK": "nexus.core.admin.dashboard.dashboard_context",
    "ACCOUNT": {"navigation": "nexus.core.admin.navigation.account_links"},
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "nexus.core.admin.navigation.sidebar_navigation",
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Nexus <no-reply@nexus.localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Celery: with no broker configured, tasks run eagerly in-process (the embedded mode).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "beat-heartbeat": {"task": "core.beat_heartbeat", "schedule": 30.0},
    # Seal committed audit events; a run still queued after 10 s is dropped (the next one covers it).
    "audit-sealer": {"task": "core.seal_audit", "schedule": 5.0, "options": {"expires": 10.0}},
    # Deliver events Celery did not, retry failed deliveries; a run queued for 10 s is dropped.
    "outbox-sweeper": {"task": "core.sweep_outbox", "schedule": 5.0, "options": {"expires": 10.0}},
    # Delete rows past their retention period (registered purge rules), nightly.
    "purge-expired": {"task": "core.purge_expired", "schedule": crontab(hour=3, minute=17)},
    # Let lapsed reservation holds expire (one task per active tenant); a stale run is dropped.
    "inventory-expire-reservations": {
        "task": "inventory.expire_reservations",
        "schedule": 60.0,
        "options": {"expires": 50.0},
    },
    # Expire sign-ups and invitations past their tenant's period, withdrawing what they created.
    # Replenishment runs, one per active tenant, before the working day.
    "supply-chain-nightly-replenishment": {
        "task": "supply_chain_ops.nightly_replenishment",
        "schedule": crontab(hour=2, minute=30),
    },
    "identity-expire-overdue": {
        "task": "identity_ops.expire_overdue",
        "schedule": 600.0,
        "options": {"expires": 540.0},
    },
}
# Publishing after commit must not hang on an unreachable Redis broker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}

# The event outbox (docs/kernel.md, "Events, the outbox and listeners").
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=10.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600.0)
OUTBOX_SWEEP_AFTER_SECONDS = env.float("OUTBOX_SWEEP_AFTER_SECONDS", default=10.0)
OUTBOX_SWEEP_BATCH = env.int("OUTBOX_SWEEP_BATCH", default=200)
OUTBOX_ENQUEUE_TIMEOUT_SECONDS = env.float("OUTBOX_ENQUEUE_TIMEOUT_SECONDS", default=1.0)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)

HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)
# Readiness is degraded while the oldest unsealed audit event, or the oldest event waiting for a
# listener, is older than this: the sealer or the sweeper (both every 5 s) is not keeping up.
HEALTH_AUDIT_SEAL_LAG_LIMIT_SECONDS = env.float("HEALTH_AUDIT_SEAL_LAG_LIMIT_SECONDS", default=60.0)
HEALTH_OUTBOX_LAG_LIMIT_SECONDS = env.float("HEALTH_OUTBOX_LAG_LIMIT_SECONDS", default=120.0)

# API retries (docs/kernel.md, "Retries"): an Idempotency-Key answers with the first answer for
# this long (then its record is purged); a retry waits this long for the same key's request
# still running before it is answered 409 idempotency_in_progress.
NEXUS_IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=env.int("NEXUS_IDEMPOTENCY_KEY_HOURS", default=24))
NEXUS_IDEMPOTENCY_WAIT_SECONDS = env.float("NEXUS_IDEMPOTENCY_WAIT_SECONDS", default=10.0)

# API request bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (Django's, 2.5 MB by default)
# and JSON nested at most this deep; the API answers 413 or 400 beyond.
NEXUS_API_MAX_JSON_DEPTH = env.int("NEXUS_API_MAX_JSON_DEPTH", default=32)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its scheme is the WWW-Authenticate of a 401 ("Authorization: Token <key>").
        "nexus.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "nexus.core.api.pagination.NexusPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    # Throttle counters live in the default cache: the shared Redis in production. They identify
    # the client by nexus.core.client_address (NEXUS_TRUSTED_PROXY_COUNT), not by NUM_PROXIES.
    "DEFAULT_THROTTLE_CLASSES": [
        "nexus.core.api.throttling.AnonRateThrottle",
        "nexus.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "60/minute",
        "user": "1200/minute",
    },
    "EXCEPTION_HANDLER": "nexus.core.api.exceptions.nexus_exception_handler",
    # Bounded parsers: DRF reads bodies itself, past Django's upload limits (core/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "nexus.core.api.parsers.JSONParser",
        "nexus.core.api.parsers.FormParser",
        "nexus.core.api.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Login and lockout (docs/identity.md, "Login and lockout"): failures per (username, address)
# within the window before a cool-off, which doubles with each consecutive one up to the maximum;
# an attempt not settled within the settle time stops counting. Per account, across addresses:
# past the account limit within the window, checks are paced (a delay doubling up to its maximum),
# never locked. Wrong second-factor codes per account within the window, across challenges.
# Behind N reverse proxies, the client address is taken N hops from the right of X-Forwarded-For.
NEXUS_LOGIN_FAILURE_LIMIT = env.int("NEXUS_LOGIN_FAILURE_LIMIT", default=5)
NEXUS_LOGIN_FAILURE_WINDOW_SECONDS = env.int("NEXUS_LOGIN_FAILURE_WINDOW_SECONDS", default=900)
NEXUS_LOGIN_ATTEMPT_SETTLE_SECONDS = env.int("NEXUS_LOGIN_ATTEMPT_SETTLE_SECONDS", default=30)
NEXUS_LOGIN_COOLOFF_SECONDS = env.int("NEXUS_LOGIN_COOLOFF_SECONDS", default=60)
NEXUS_LOGIN_COOLOFF_MAX_SECONDS = env.int("NEXUS_LOGIN_COOLOFF_MAX_SECONDS", default=3600)
NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
NEXUS_LOGIN_ACCOUNT_DELAY_SECONDS = env.int("NEXUS_LOGIN_ACCOUNT_DELAY_SECONDS", default=2)
NEXUS_LOGIN_ACCOUNT_DELAY_MAX_SECONDS = env.int("NEXUS_LOGIN_ACCOUNT_DELAY_MAX_SECONDS", default=60)
NEXUS_MFA_ACCOUNT_FAILURE_LIMIT = env.int("NEXUS_MFA_ACCOUNT_FAILURE_LIMIT", default=10)
NEXUS_TRUSTED_PROXY_COUNT = env.int("NEXUS_TRUSTED_PROXY_COUNT", default=0)
# Login tokens: lifetime (tenants may ask for less), live logins per person.
NEXUS_LOGIN_TOKEN_TTL_MINUTES = env.int("NEXUS_LOGIN_TOKEN_TTL_MINUTES", default=12 * 60)
NEXUS_LOGIN_TOKEN_LIMIT_PER_USER = env.int("NEXUS_LOGIN_TOKEN_LIMIT_PER_USER", default=10)
# MFA: secrets are encrypted with these Fernet keys (comma-separated, newest first); required
# outside the embedded SQLite mode. Challenge lifetime and wrong codes allowed between password
# and code; minutes of a step-up; days a member under an MFA policy may still log in without.
NEXUS_MFA_ENCRYPTION_KEYS: list[str] = env.list("NEXUS_MFA_ENCRYPTION_KEYS", default=[])
NEXUS_MFA_ISSUER = env.str("NEXUS_MFA_ISSUER", default="Nexus")
NEXUS_MFA_CHALLENGE_SECONDS = env.int("NEXUS_MFA_CHALLENGE_SECONDS", default=300)
NEXUS_MFA_CHALLENGE_ATTEMPTS = env.int("NEXUS_MFA_CHALLENGE_ATTEMPTS", default=5)
NEXUS_MFA_ENROLMENT_SECONDS = env.int("NEXUS_MFA_ENROLMENT_SECONDS", default=1800)
NEXUS_MFA_GRACE_DAYS = env.int("NEXUS_MFA_GRACE_DAYS", default=7)
NEXUS_STEP_UP_MINUTES = env.int("NEXUS_STEP_UP_MINUTES", default=10)
# How long a refresh may be retried with the token it just replaced (tenant policy refresh_grace_seconds).
NEXUS_REFRESH_GRACE_SECONDS = env.int("NEXUS_REFRESH_GRACE_SECONDS", default=30)
# Step-up (nexus.core.stepup): who answers "when did the caller last prove a second factor",
# and the admin page that asks for a code.
NEXUS_MFA_RECENCY_PROVIDER = "nexus.accounts.stepup.SessionMfaRecency"
NEXUS_STEP_UP_URL = "admin-step-up"
# Pages for people rather than the admin: the admin's login signs in anyone returning to one
# (accepting an invitation with an existing account), staff role or not (nexus.tenancy.admin_site).
NEXUS_PERSON_PAGES = ["/accept-invitation/"]
# Where a browser login limited to enrolment (MFA policy) is sent, and the paths it may reach.
NEXUS_MFA_SETUP_URL = "admin-mfa-setup"
NEXUS_MFA_ENROLMENT_PATHS = [
    "/admin/mfa/",
    "/admin/login/",
    "/admin/logout/",
    "/admin/jsi18n/",
    "/static/",
    "/api/v1/auth/mfa/",
    "/api/v1/auth/logout/",
]
# The identity flows' contracts and their implementations (identity_ops/wiring.py).
IDENTITY_OPS_ADAPTERS = {
    "auth_events": "adapters.identity_auth_events.DjangoAuthEvents",
    "mfa_authenticators": "adapters.identity_auth_mfa.DjangoMfaAuthenticators",
    "people": "adapters.identity.DjangoPeopleDirectory",
    "memberships": "adapters.identity.DjangoMembershipDirectory",
    "tenants": "adapters.identity.DjangoTenantDirectory",
    "access": "adapters.identity.DjangoAccessControl",
    "notifier": "adapters.identity_notifications.DjangoNotifier",
}
# The implementations of the supply-chain orchestrator's contracts (supply_chain_ops.wiring).
SUPPLY_CHAIN_OPS_ADAPTERS = {
    "role_grants": "adapters.supply_chain_access.TenancyRoleGrants",
    "transfer_stock": "adapters.supply_chain_transfers.InventoryTransferStock",
    "domain_supply_demand": "adapters.supply_chain_transfers.DomainsSupplyDemand",
    "costing": "adapters.supply_chain_costing.InventoryCosting",
    "dropship_domains": "adapters.supply_chain_dropship.DomainsDropship",
    "vendor_tokens": "adapters.supply_chain_dropship.AccountsVendorTokens",
    "cross_dock_stock": "adapters.supply_chain_cross_docking.InventoryCrossDockStock",
    "returns": "adapters.supply_chain_returns.DomainsReturns",
    "atp": "adapters.supply_chain_atp.DomainsAtp",
    "lead_times": "adapters.supply_chain_atp.DomainsAtp",
    "replenishment_data": "adapters.supply_chain_replenishment.DomainReplenishmentData",
}
# The models behind the identity admin and API screens of people and memberships.
IDENTITY_OPS_MEMBERSHIP_MODEL = "tenancy.Membership"
IDENTITY_OPS_TENANT_MODEL = "tenancy.Tenant"
IDENTITY_OPS_DEVICE_MODEL = "accounts.Device"
# Links in identity emails (docs/identity.md): by default Nexus's own pages for them
# (identity_ops.pages: accept an invitation, verify an address, choose a new password); another
# front end may serve them instead, posting the key to the API. Relative links are joined to
# NEXUS_PUBLIC_URL.
NEXUS_PUBLIC_URL = env.str("NEXUS_PUBLIC_URL", default="http://127.0.0.1:8000/")
IDENTITY_OPS_LINKS = {
    "verify_email": env.str("IDENTITY_OPS_VERIFY_EMAIL_LINK", default="/verify-email/?token={token}"),
    "accept_invitation": env.str("IDENTITY_OPS_INVITATION_LINK", default="/accept-invitation/?token={token}"),
    "reset_password": env.str("IDENTITY_OPS_RESET_PASSWORD_LINK", default="/reset-password/?token={token}"),
    "log_in": env.str("IDENTITY_OPS_LOG_IN_LINK", default="/admin/login/"),
}
# Password reset links work this long; ended logins, expired tokens and links, and finished
# invitations are purged this many days later (nexus.accounts.retention, identity_ops.retention).
NEXUS_PASSWORD_RESET_TTL_MINUTES = env.int("NEXUS_PASSWORD_RESET_TTL_MINUTES", default=60)
NEXUS_LOGIN_RECORD_RETENTION_DAYS = env.int("NEXUS_LOGIN_RECORD_RETENTION_DAYS", default=30)
IDENTITY_OPS_INVITATION_RETENTION_DAYS = env.int("IDENTITY_OPS_INVITATION_RETENTION_DAYS", default=90)

# Turns the API request's X-Tenant header (or session selection) into the tenant (nexus.core.api.base).
NEXUS_TENANT_RESOLVER = "nexus.tenancy.resolver.resolve_api_tenant"

SPECTACULAR_SETTINGS = {
    # Many models have a "status" or "kind": name each choice set after its class.
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "nexus.core.models.refs.ActorKind",
        "BillLineKindEnum": "nexus.procurement.models.bills.BillLineKind",
        "CreditNoteStatusEnum": "nexus.receivable.models.credit_notes.CreditNoteStatus",
        "DeliveryStatusEnum": "nexus.core.models.outbox.DeliveryStatus",
        "DeviceKindEnum": "nexus.accounts.models_access.DeviceKind",
        "LoginOutcomeEnum": ["authenticated", "mfa_required", "mfa_enrolment_required"],
        # Receipts and shipments share one choice set (draft, posted).
        "PostingStatusEnum": "nexus.procurement.models.receipts.GoodsReceiptStatus",
        "InvitationStatusEnum": "identity_ops.models.invitations.InvitationStatus",
        "LandedCostChargeKindEnum": "supply_chain_ops.models.landed_costs.ChargeKind",
        "LandedCostStatusEnum": "supply_chain_ops.models.landed_costs.LandedCostStatus",
        "LocationKindEnum": "nexus.inventory.models.sites.LocationKind",
        "MembershipStatusEnum": "nexus.tenancy.models.MembershipStatus",
        "MfaEnrolmentStatusEnum": "identity_ops.models.mfa.MfaEnrolmentStatus",
        "NotificationStatusEnum": "nexus.notifications.models.NotificationStatus",
        # Replenishment and balancing runs share one choice set.
        "PlanningRunStatusEnum": "supply_chain_ops.models.replenishment.RunStatus",
        "PurchaseOrderStatusEnum": "nexus.procurement.models.purchase_orders.PurchaseOrderStatus",
        "RegistrationStatusEnum": "identity_ops.models.registrations.RegistrationStatus",
        "RequisitionStatusEnum": "nexus.procurement.models.requisitions.RequisitionStatus",
        "ReservationStateEnum": "nexus.inventory.models.reservations.ReservationState",
        "SalesOrderStatusEnum": "nexus.sales.models.orders.SalesOrderStatus",
        "TenantStatusEnum": "nexus.tenancy.models.TenantStatus",
        "UserStatusEnum": "nexus.accounts.models.UserStatus",
        "VendorBillStatusEnum": "nexus.procurement.models.bills.VendorBillStatus",
        "WarehouseKindEnum": "nexus.inventory.models.sites.WarehouseKind",
    },
    "TITLE": "Nexus API",
    "DESCRIPTION": "Multi-tenant back-office operations: identity and supply chain.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every operation also documents the errors the kernel answers it with (400, 401, 403, 404,
    # 409 on writes, 429, 503), after the default hook that names the enums.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nexus.core.api.schema_errors.document_kernel_errors",
    ],
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "nexus.core.request_id.RequestIdLogFilter"},
        "expected_refusals": {"()": "nexus.core.request_log.ExpectedRefusalFilter"},
    },
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # An expected 403, 404 or 409 is one line; 5xx keep their traceback.
        "django.request": {"filters": ["expected_refusals"]},
    },
}

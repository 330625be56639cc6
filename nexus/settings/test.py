"""Settings for the test run: the environment's database, a fast hasher, eager Celery."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
# Hashing cost is irrelevant in tests; production keeps Argon2 (a test checks it).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A fixed key for MFA secrets in tests (production reads NEXUS_MFA_ENCRYPTION_KEYS).
NEXUS_MFA_ENCRYPTION_KEYS = ["4XGt0cYcGu9lCe9t3qp0I9oXo4cP5FhJzJ0vJk3sWkM="]
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Pages render without a collectstatic manifest; tests of the production storage set their own.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Redis for the end-to-end Celery tests; they are skipped with a reason when it is not there.
TEST_REDIS_URL = env.str("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
# Lets two test runs share one PostgreSQL server without dropping each other's database.
if env.str("NEXUS_TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("NEXUS_TEST_DB_NAME")}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# A small example app that exercises the kernel (tenancy, transitions, audit) in tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.kernel_example"]  # noqa: F405
# Throttle counters would otherwise add up across the whole run (one client address, one cache).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
# ``load_demo`` in tests: the small data set (the full year is for ``make demo``).
NEXUS_DEMO_SIZE = "small"

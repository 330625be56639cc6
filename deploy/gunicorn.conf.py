"""Gunicorn for the production shape (``make up``, docs/deploy.md).

Several synchronous workers: a request holds one database connection for its duration, so
``workers`` times web hosts (plus Celery's concurrency) must stay under PostgreSQL's connection
limit (or a pooler's). A worker is replaced after a few thousand requests, which bounds any
slow growth of memory, with jitter so that they do not all restart at once.
"""

import multiprocessing
import os

bind = os.environ.get("NEXUS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
timeout = int(os.environ.get("NEXUS_WORKER_TIMEOUT", "30"))
graceful_timeout = timeout
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
# Only the proxy in front may say who the client is (NEXUS_TRUSTED_PROXY_COUNT in the settings).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

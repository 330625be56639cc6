"""A password hasher that counts how many times a password is checked (thread-safe)."""

import threading

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """MD5 (the test run's hasher) that counts ``verify`` calls: each is one password check."""

    algorithm = "md5"
    _lock = threading.Lock()
    checks = 0

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher._lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.checks = 0

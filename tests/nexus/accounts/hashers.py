"""A password hasher that counts how many times a password is checked or hashed (thread-safe)."""

import threading

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """MD5 (the test run's hasher) counting ``verify`` (a password check) and ``encode`` (a hash)."""

    algorithm = "md5"
    _lock = threading.Lock()
    checks = 0
    hashes = 0

    def encode(self, password: str, salt: str) -> str:
        with CountingHasher._lock:
            CountingHasher.hashes += 1
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher._lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.checks = 0
            cls.hashes = 0

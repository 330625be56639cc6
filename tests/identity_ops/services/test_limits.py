"""Limits on emails anyone can trigger are counted in the database: a flushed cache resets nothing."""

import pytest
from django.core.cache import cache

from identity_ops.services import limits
from identity_ops.workflows.passwords import REQUESTS_PER_HOUR, request_password_reset
from nexus.core.errors import Throttled
from nexus.core.models import WindowCounter

pytestmark = pytest.mark.django_db


def test_reset_requests_past_the_limit_stay_refused_when_the_cache_is_flushed(ana):
    for _ in range(REQUESTS_PER_HOUR):
        request_password_reset("ana@example.com")

    cache.clear()

    with pytest.raises(Throttled):
        request_password_reset("ana@example.com")


def test_each_subject_counts_on_its_own_and_no_address_is_stored_in_the_clear(db):
    assert [limits.allow("sign_up", "bo@example.com", limit=2, window_seconds=60) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    # The same address, counted fourth: within a limit of four.
    assert limits.allow("sign_up", " BO@example.com ", limit=4, window_seconds=60) is True
    assert limits.allow("sign_up", "cy@example.com", limit=2, window_seconds=60) is True
    names = list(WindowCounter.objects.order_by("name").values_list("name", "count"))
    assert len(names) == 2
    assert sorted(count for _, count in names) == [1, 4]
    assert not any("example.com" in name for name, _ in names)

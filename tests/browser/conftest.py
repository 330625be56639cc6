"""Browser tests: Debian's Chromium driven by Playwright against a live server on the test database.

Nothing is downloaded at test time: Playwright launches the ``chromium`` package of the machine
(``NEXUS_CHROMIUM`` names another binary). Without it these tests are skipped with the reason.
They run last (Playwright's synchronous API keeps an event loop running in the test thread, so
Django's async-safety check is lifted for the rest of the run: ``DJANGO_ALLOW_ASYNC_UNSAFE``),
and a failing test leaves a screenshot of its page in ``var/screenshots/``. The tests behind the
user guide save their pictures (``guide_screenshot``) to ``var/screenshots/guide/``, or to
``docs/screenshots/guide/`` under ``make guide-screenshots``.
"""

import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from nexus.core.models import Currency
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY

CHROMIUM = os.environ.get("NEXUS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
#: The user guide's pictures: ``docs/screenshots/guide/`` when ``make guide-screenshots`` asks for
#: them, else beside the failure screenshots, so that a test run leaves the checkout unchanged.
GUIDE_SCREENSHOTS = Path(os.environ.get("NEXUS_GUIDE_SCREENSHOTS") or SCREENSHOTS / "guide")
VIEWPORT = {"width": 1440, "height": 900}
HERE = Path(__file__).parent


@pytest.hookimpl(trylast=True)  # after pytest-django has put transactional tests last
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if HERE in Path(str(item.path)).parents]
    if not ours:
        return
    items[:] = [item for item in items if item not in ours] + ours
    if CHROMIUM is None:
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
        for item in ours:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session", autouse=True)
def _async_unsafe_for_playwright() -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screen(page: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Playwright's page on the live server (a base URL for ``goto``); a screenshot when the test fails."""
    page.set_default_timeout(10_000)
    page.set_viewport_size(VIEWPORT)
    yield page
    if request.node.stash.get(FAILED, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def currency(transactional_db: None) -> Currency:
    """The currency the data migration made (a transactional test's flush removes it)."""
    usd, _ = Currency.objects.get_or_create(code="USD", defaults={"name": "US Dollar", "exponent": 2})
    return usd


def sign_in(page: Any, live_server: Any, user: Any, tenant: Any) -> None:
    """Give the browser a logged-in session with ``tenant`` selected (the login itself is tested once)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
    session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def choose(page: Any, field_id: str, text: str) -> None:
    """Pick ``text`` in an autocomplete field (the admin's select2 widget)."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def guide_screenshot(page: Any, name: str, top: Any = None) -> None:
    """Save what the browser shows as ``<GUIDE_SCREENSHOTS>/<name>.png`` for docs/user-guide.md.

    One viewport (1440 x 900), so the pictures stay small, scrolled to put the locator ``top`` (if
    given) at the top; a checkout where the folder cannot be written (read-only in CI) only loses
    the picture, with a warning, never the test.
    """
    page.wait_for_load_state("networkidle")
    if top is not None:
        top.evaluate("element => element.scrollIntoView({block: 'start'})")
    picture = page.screenshot(animations="disabled", caret="hide")
    try:
        GUIDE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (GUIDE_SCREENSHOTS / f"{name}.png").write_bytes(picture)
    except OSError as error:
        warnings.warn(f"the user guide's screenshot {name}.png was not saved: {error}", stacklevel=2)

"""Rendering templates/notifications/<name>/: plain-text parts unescaped, clear errors."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from nexus.notifications.rendering import RenderedMessage, RenderingFailed, render_message
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates():
    """The project's templates plus broken ones kept next to these tests."""
    engine = {**settings.TEMPLATES[0], "DIRS": [settings.BASE_DIR / "templates", TEST_TEMPLATES]}
    with override_settings(TEMPLATES=[engine]):
        yield


def test_the_security_alert_leaves_out_what_it_was_not_given():
    recipient = UserFactory.build(full_name="Ana Lima")

    plain = render_message("security_alert", {"summary": "Your password was changed", "recipient": recipient})
    detailed = render_message(
        "security_alert",
        {
            "summary": "Your password was changed",
            "details": "All your other sessions were signed out.",
            "occurred_at": "2026-03-01 09:30 UTC",
            "recipient": recipient,
        },
    )

    assert plain.body == (
        "Hello Ana,\n\nYour password was changed.\n\n"
        "If this was you, there is nothing to do. If it was not, change your password now and tell your\n"
        "administrator.\n\n— Nexus\n"
    )
    assert detailed.body == (
        "Hello Ana,\n\nYour password was changed.\n\nAll your other sessions were signed out.\n\n"
        "When: 2026-03-01 09:30 UTC\n\n"
        "If this was you, there is nothing to do. If it was not, change your password now and tell your\n"
        "administrator.\n\n— Nexus\n"
    )


def test_the_subject_is_one_line_and_the_body_is_trimmed(test_templates):
    assert render_message("multiline_subject", {"number": "SO-7"}) == RenderedMessage(
        subject="Order SO-7 shipped", body="Your order SO-7 shipped.\n", body_html=""
    )


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("no_such_template", "Template 'notifications/no_such_template/subject.txt' does not exist."),
        ("no_body", "Template 'notifications/no_body/body.txt' does not exist."),
        ("blank_subject", "Template 'notifications/blank_subject/subject.txt' rendered empty."),
        (
            "broken_syntax",
            "Template 'notifications/broken_syntax/subject.txt' failed to render: "
            "TemplateSyntaxError: Unexpected end of expression in if tag.",
        ),
        ("../secrets", "'../secrets' is not a notification template name."),
    ],
)
def test_a_template_that_cannot_render_says_which_and_why(test_templates, template, error):
    with pytest.raises(RenderingFailed) as failed:
        render_message(template, {})

    assert str(failed.value) == error

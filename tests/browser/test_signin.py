"""The sign-in page in Chromium: a wrong password says so; past the limit the
page says when to try again (and answers 429), even for the right password."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def submit(page, base_url, username, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_response(re.compile(r"/accounts/login/$")) as answer:
        page.keyboard.press("Enter")
    return answer.value


def test_sign_in_is_throttled_with_a_clear_message(
    page, live_server, users, settings, screenshot_path
):
    settings.ACCORD_LOGIN_LIMIT_PER_USERNAME = 2
    for _ in range(2):
        refused = submit(page, live_server.url, "ana", "not-her-password")
        assert refused.status == 200
        expect(page.locator("p.error")).to_have_text(
            "Your username and password didn't match. Please try again."
        )

    throttled = submit(page, live_server.url, "ana", "pw-ana")
    assert throttled.status == 429
    assert int(throttled.headers["retry-after"]) > 0
    message = page.locator("#login-throttled")
    expect(message).to_have_text(
        re.compile(r"^Too many failed sign-in attempts\. Try again in \d+ (minute|second)s?\.$")
    )
    expect(page.locator("#id_username")).to_have_value("ana")
    page.set_viewport_size({"width": 900, "height": 520})
    page.screenshot(path=str(screenshot_path("sign-in-throttled.png")))

    # Another user is not held back.
    signed_in = submit(page, live_server.url, "ben", "pw-ben")
    assert signed_in.status == 302
    expect(page).to_have_url(f"{live_server.url}/")

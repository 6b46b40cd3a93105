"""Real-browser journeys: Playwright's sync API driving Debian's chromium against the live server.

No browser is ever downloaded: the tests use the system's chromium (`apt-get install chromium`;
`.ci/run` installs it) or the one named by `E2E_CHROMIUM`. When chromium or the `playwright`
package is missing the journeys are skipped with the reason, unless `E2E_REQUIRED=1` (CI), in
which case they fail.

The browser talks HTTP to pytest-django's `live_server` (a threaded server on the test database,
PostgreSQL in CI), so the tests are transactional: every test loads the demo data itself and the
database is flushed afterwards (`serialized_rollback` puts back the rows the migrations wrote,
such as the work-type catalogue and the vote rule sets, before each test).

Every page is watched: a console error, an uncaught exception or a Content-Security-Policy
violation fails the journey at its next step. Screenshots of every step are kept in
`artifacts/e2e/<test>/<nn>-<step>.png` (artifacts/ is git-ignored; CI keeps it).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "e2e"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
DEMO_PASSWORD = "demo-pass-2026"
# The network is closed here and in CI: without these flags chromium stalls on start trying to
# reach Google's services (component updates, sync, QUIC probes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Reported to the console by the page itself: chromium logs most violations on its own, but
# not every kind (and not in every version), so the page's own event is the sure signal.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


def zh(message: str) -> str:
    """The Simplified Chinese the page shows for an English msgid."""
    from django.utils import translation
    from django.utils.functional import Promise

    with translation.override("zh-hans"):
        return str(message) if isinstance(message, Promise) else translation.gettext(message)


def _unavailable(reason: str) -> None:
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium() -> str | None:
    return os.environ.get("E2E_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One headless chromium for all the journeys (each test opens its own contexts)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    executable = _chromium()
    if not executable:
        _unavailable("chromium is not installed (apt-get install chromium)")
    if not Path(executable).exists():
        _unavailable(f"no chromium at E2E_CHROMIUM={executable}")

    # Playwright's sync API runs an asyncio event loop in this (the test) thread for as long as
    # it is started, so Django's async-safety check would refuse every ORM call the test makes
    # (SynchronousOnlyOperation) although nothing runs concurrently: each Playwright call
    # returns before the test touches the database. The check is lifted only while the browser
    # is up, so the rest of the suite keeps it.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def demo(browser, live_server, settings):
    """The demo data, as `make run` serves it: load_demo, then the full statistics rollup."""
    from reporting.rollups import services as rollups
    from sampledata.demo import load_demo

    # The live server serves the test database; uploads and exports go to a per-test folder
    # (tests/conftest.py); the public form's rate limit must not carry over from earlier runs
    # kept in Redis.
    settings.GOVERNANCE_PUBLIC_SUBMISSIONS_PER_HOUR = 1000
    accounts = load_demo()
    rollups.rollup_full()
    return {username: role for username, role, _scope in accounts}


@dataclass
class Journey:
    """A test's browser session(s): screenshots numbered by step, and the errors every page
    reported (console errors, uncaught exceptions, CSP violations)."""

    browser: object
    base_url: str
    folder: Path
    errors: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    steps: int = 0

    def open(self, device: dict, *, label: str) -> object:
        """A new browser context (its own cookies) and page, watched for errors."""
        context = self.browser.new_context(
            base_url=self.base_url, locale="zh-CN", accept_downloads=True, **device
        )
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_LISTENER)
        self.contexts.append(context)
        page = context.new_page()

        def console(message) -> None:
            if message.type == "error":
                self.errors.append(f"[{label}] console error on {page.url}: {message.text}")

        def response(response) -> None:
            # A page served without its policy would make "no violation" meaningless.
            html = response.headers.get("content-type", "").startswith("text/html")
            if html and "content-security-policy" not in response.headers:
                self.errors.append(f"[{label}] no Content-Security-Policy on {response.url}")

        page.on("console", console)
        page.on("response", response)
        page.on(
            "pageerror",
            lambda error: self.errors.append(f"[{label}] uncaught on {page.url}: {error}"),
        )
        return page

    def shot(self, page, step: str) -> Path:
        """Screenshot the whole page, then fail if any page reported an error so far."""
        self.steps += 1
        name = re.sub(r"[^\w.-]+", "-", step).strip("-")
        path = self.folder / f"{self.steps:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.assert_clean()
        # Nothing may widen the page beyond the screen (a phone would zoom out or scroll).
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide ({path.name})"
        return path

    def login(self, page, username: str, *, password: str = DEMO_PASSWORD) -> None:
        """Log in through the login page (the page's language switch is checked first)."""
        from playwright.sync_api import expect

        page.goto("/accounts/login/")
        self.shot(page, f"login-{username}")
        self.check_language_switch(page, "Log in")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name=zh("Log in")).click()
        expect(page.get_by_role("button", name=zh("Log out"))).to_be_visible()

    def check_language_switch(self, page, english: str) -> None:
        """Switch the page to English with the header's switch, check it (and `english`, a
        label of this page), then switch back to Chinese: the user lands on the same page."""
        from playwright.sync_api import expect

        chinese = zh(english)
        assert chinese != english, f"no Chinese translation of {english!r}"
        url = page.url
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "zh-hans")
        expect(page.get_by_text(chinese).first).to_be_visible()
        page.locator("form.lang-switch button[value='en']").click()
        expect(html).to_have_attribute("lang", "en")
        expect(page.get_by_text(english).first).to_be_visible()
        assert page.url == url
        self.shot(page, f"{english}-en")
        page.locator("form.lang-switch button[value='zh-hans']").click()
        expect(html).to_have_attribute("lang", "zh-hans")
        expect(page.get_by_text(chinese).first).to_be_visible()
        assert page.url == url

    def assert_clean(self) -> None:
        assert not self.errors, "the browser reported errors:\n" + "\n".join(self.errors)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(request, browser, live_server) -> Iterator[Journey]:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "-", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    trip = Journey(browser=browser, base_url=live_server.url, folder=folder)
    yield trip
    trip.close()
    # Errors reported after the last step (e.g. by a page's scripts) still fail the test.
    trip.assert_clean()

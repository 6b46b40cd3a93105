"""The journeys' watch on the browser (conftest.Journey) catches what it is meant to catch: a
Content-Security-Policy violation, an uncaught script error and a page served without a policy.
The pages are served by the browser's own routing, so no server or database is needed."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, Journey

POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"
PAGE = """<!DOCTYPE html><html lang="zh-hans"><head><title>watch</title></head>
<body><p>老旧小区改造</p><script>window.ran = true;</script></body></html>"""


def test_csp_violations_script_errors_and_missing_policies_fail_the_journey(browser, tmp_path):
    trip = Journey(browser=browser, base_url="http://watch.test/", folder=tmp_path)
    try:
        page = trip.open(DESKTOP, label="watch")
        page.route(
            "http://watch.test/with-policy",
            lambda route: route.fulfill(
                status=200,
                headers={
                    "Content-Type": "text/html; charset=utf-8",
                    "Content-Security-Policy": POLICY,
                },
                body=PAGE,
            ),
        )
        page.route(
            "http://watch.test/without-policy",
            lambda route: route.fulfill(status=200, content_type="text/html", body=PAGE),
        )
        with page.expect_console_message(lambda m: "CSP violation: script-src-elem" in m.text):
            page.goto("/with-policy")
        assert page.evaluate("window.ran") is None  # the policy blocked the inline script
        with page.expect_console_message(lambda m: "CSP violation: style-src-attr" in m.text):
            page.evaluate("() => document.body.setAttribute('style', 'color: red')")
        with page.expect_event("pageerror"):
            page.evaluate("() => setTimeout(() => { throw new Error('broken page script'); })")
        page.goto("/without-policy")
        with pytest.raises(AssertionError) as failure:
            trip.shot(page, "violations")
    finally:
        trip.close()
    assert str(failure.value).startswith("the browser reported errors:")
    report = "\n".join(trip.errors)
    assert "CSP violation: script-src-elem blocked inline" in report
    assert "CSP violation: style-src-attr blocked inline" in report
    assert "broken page script" in report
    missing = [error for error in trip.errors if "no Content-Security-Policy" in error]
    assert missing == ["[watch] no Content-Security-Policy on http://watch.test/without-policy"]
    assert (tmp_path / "01-violations.png").exists()

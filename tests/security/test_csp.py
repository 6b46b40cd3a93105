"""Content Security Policy: every page carries the policy, and no page relies on what it
forbids (inline scripts, event handler attributes, javascript: URLs, style attributes or
<style> blocks). The pages are found by following the links of the demo data as each role,
so a new page is covered without being listed here."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from governance.models import Disclosure
from renovation.models import User

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Links not followed: downloads, API, admin (checked apart), logout and language switches.
SKIP = re.compile(
    r"logout|\.xlsx|\.csv|download|format=|/file/|/minutes/|/photos/|qr\.svg|^/api/v1|"
    r"^/api/schema|^/admin/|^/static/|^/media/|^/i18n/"
)
PAGES_PER_ROLE = 45


def policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = " ".join(words[1:])
    return directives


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block, and the page's links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}> style attribute")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "style":
            self.problems.append("<style> block")
        if tag == "script":
            kind = (values.get("type") or "").lower()
            # json_script data blocks are not executed, so CSP does not apply to them.
            self._script_without_src = not values.get("src") and kind != "application/json"
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_data(self, data):
        if self._script_without_src and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_without_src = False


def inline_problems(html: str) -> tuple[list[str], list[str]]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems, finder.links


def test_the_finder_catches_what_the_policy_forbids():
    problems, _ = inline_problems(
        '<p style="color:red" onclick="x()"><a href="javascript:void(0)">a</a></p>'
        "<style>p{}</style><script>alert(1)</script>"
        '<script type="application/json" id="d">{"a": 1}</script><script src="/s.js"></script>'
    )
    assert len(problems) == 5, problems


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client, seeds: list[str], limit: int) -> dict[str, object]:
    """Visit pages reachable from the seeds (one per URL pattern), return {url: response}."""
    seen: set[str] = set()
    pages: dict[str, object] = {}
    queue = deque(seeds)
    while queue and len(pages) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or SKIP.search(parts.path):
            continue
        key = pattern(parts.path)
        if key in seen:
            continue
        seen.add(key)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages[url] = response
        _, links = inline_problems(response.content.decode())
        queue.extend(urljoin(url, link).split("#")[0] for link in links)
    return pages


SEEDS = [
    "/",
    "/reports/",
    "/reports/weekly/",
    "/reports/monthly/",
    "/reports/census/",
    "/reports/notifications/",
    "/funding/mix/",
    "/governance/suggestions/",
    "/statistics/all/",
    "/audit/",
    "/accounts/password/",
]


@pytest.mark.parametrize("username", ["district", "street", "city", "api", "auditor", "admin"])
def test_every_page_carries_the_policy_and_nothing_inline(demo, client, username):
    client.force_login(User.objects.get(username=username))

    pages = crawl(client, SEEDS, PAGES_PER_ROLE)

    assert len(pages) >= 12, sorted(pages)  # the crawl really went through the site
    for url, response in pages.items():
        assert policy(response) == {**policy(response), **EXPECTED_DIRECTIVES}, url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        problems, _ = inline_problems(response.content.decode())
        assert problems == [], (url, problems)


def test_public_pages_and_login_carry_the_policy_and_nothing_inline(demo, client):
    disclosure = Disclosure.objects.filter(published=True).first()
    assert disclosure is not None
    urls = [
        reverse("login"),
        reverse("governance:public-disclosure", args=[disclosure.token]),
        reverse("governance:public-disclosure-print", args=[disclosure.token]),
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert policy(response) == {**policy(response), **EXPECTED_DIRECTIVES}, url
        problems, _ = inline_problems(response.content.decode())
        assert problems == [], (url, problems)


def test_api_docs_load_their_script_from_a_file(client, db):
    response = client.get(reverse("api:docs"))
    problems, _ = inline_problems(response.content.decode())

    assert response.status_code == 200
    assert problems == []
    assert policy(response)["script-src"] == "'self'"
    script = re.search(r'<script src="([^"]*script=[^"]*)"', response.content.decode())
    assert script, "the Swagger UI init script is served as a file"
    init = client.get(script.group(1).replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in init.content


def test_admin_relaxes_only_styles(client, db):
    admin = User.objects.create_superuser("root", "root@example.gov.cn", "Root-pass-2026!")
    client.force_login(admin)

    for url in (reverse("admin:index"), reverse("admin:renovation_user_changelist")):
        response = client.get(url)
        directives = policy(response)
        assert response.status_code == 200, url
        assert directives["script-src"] == "'self'", url
        assert "'unsafe-inline'" in directives["style-src"], url
        assert directives["frame-ancestors"] == "'none'", url

"""An auditor changes nothing: every form the street office and the district's officials are
shown on the demo data is sent again, with the same values, by an auditor of the city, and
each is refused (403) with no row written anywhere."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from django.db.models import Model

from renovation.models import User
from reporting.audit.selectors import audited_models
from tests.security.test_csp import SEEDS, crawl

# Forms that act on the user's own session or account, open to every role.
OWN_ACTIONS = ("/accounts/logout/", "/i18n/setlang/", "/accounts/password/", "/notifications/")


class FormFinder(HTMLParser):
    """The POST forms of a page, with the values a browser would send unchanged."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: tuple[str, dict[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self._form = (urljoin(self.page, values.get("action") or self.page), {})
        if self._form is None:
            return
        data = self._form[1]
        name = values.get("name")
        if tag == "input" and name and values.get("type") not in ("file", "submit", "button"):
            if values.get("type") in ("checkbox", "radio") and "checked" not in values:
                return
            data[name] = values.get("value", "on" if values.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            data.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in values or not self._form[1].get(self._select):
                data[self._select] = values.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = ""
        elif tag == "button" and name and values.get("type", "submit") == "submit":
            data.setdefault(name, values.get("value", ""))

    def handle_data(self, text):
        if self._form is not None and self._textarea:
            self._form[1][self._textarea] += text

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def forms_of(client, username: str) -> dict[str, dict[str, str]]:
    client.force_login(User.objects.get(username=username))
    found: dict[str, dict[str, str]] = {}
    for url, response in crawl(client, SEEDS, 60).items():
        finder = FormFinder(url)
        finder.feed(response.content.decode())
        for action, data in finder.forms:
            if not action.startswith(OWN_ACTIONS) and not any(own in action for own in OWN_ACTIONS):
                found.setdefault(action, data)
    return found


def snapshot() -> dict[str, int]:
    counts: dict[str, int] = {}
    for audited in audited_models().values():
        model: type[Model] = audited.model
        counts[audited.key] = model._default_manager.count()
        counts[audited.key + " history"] = audited.history.objects.count()
    return counts


def test_an_auditor_is_refused_every_form_of_the_street_office_and_the_district(demo, client):
    forms = {**forms_of(client, "street"), **forms_of(client, "district")}
    assert len(forms) >= 15, sorted(forms)  # progress, problems, stages, governance, money...
    client.force_login(User.objects.get(username="auditor"))
    before = snapshot()

    refused = {}
    for action, data in forms.items():
        refused[action] = client.post(action, data).status_code

    assert {action: code for action, code in refused.items() if code != 403} == {}
    assert snapshot() == before

"""The Chinese catalogue is complete: every message of the platform has a translation that
Django will use (not fuzzy, not empty). A label added without one would show in English on a
Chinese page; makemessages marks guesses as fuzzy, which Django ignores at runtime."""

from __future__ import annotations

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def _entries() -> list[str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    # The first entry is the header (msgid ""); obsolete entries start with "#~".
    return [
        block
        for block in text.split("\n\n")[1:]
        if "msgid " in block and not block.lstrip().startswith("#~")
    ]


def _references(block: str) -> list[str]:
    return [ref for line in block.splitlines() if line.startswith("#:") for ref in line[2:].split()]


def _platform(block: str) -> bool:
    """A message the platform shows (strings found only in tests are Django's own)."""
    refs = _references(block)
    return not refs or any(not ref.startswith("tests/") for ref in refs)


def _translated(block: str) -> bool:
    strings = re.findall(r'^msgstr(?:\[\d+\])? "(.*)"$', block, re.M)
    continued = re.search(r'^msgstr(?:\[\d+\])? ""\n"', block, re.M)
    return bool(continued) or any(strings)


def test_no_fuzzy_guesses_left():
    fuzzy = [b.splitlines()[-2] for b in _entries() if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    assert fuzzy == [], "review these guesses and remove their fuzzy flag:\n" + "\n".join(fuzzy)


def test_every_platform_message_is_translated():
    missing = [
        re.search(r'^msgid "(.*)"$', b, re.M).group(1)  # type: ignore[union-attr]
        for b in _entries()
        if _platform(b) and not _translated(b) and re.search(r'^msgid "(.*)"$', b, re.M)
    ]
    assert missing == [], "translate these messages:\n" + "\n".join(missing)


def test_the_check_sees_a_missing_translation():
    block = '#: programmes/views.py:1\nmsgid "Compounds started"\nmsgstr ""'
    assert _platform(block)
    assert not _translated(block)
    assert _translated('msgid "Compounds started"\nmsgstr "已开工小区"')

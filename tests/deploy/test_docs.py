"""docs/operations.md documents every setting there is: each environment variable that
settings.py, docker-compose.yml, docker/*.py or .env.example reads or offers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def documented(name: str) -> bool:
    return f"`{name}`" in DOCS or re.search(rf"`{name}[=`, ]", DOCS) is not None


def settings_variables() -> set[str]:
    text = (ROOT / "renovation" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))


def compose_variables() -> set[str]:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    return set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]+)", text))


def docker_variables() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "docker").iterdir():
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", text))
    return names


def env_example_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def test_the_sources_are_read():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= settings_variables()
    assert {"POSTGRES_PASSWORD", "WEB_CONCURRENCY"} <= compose_variables()
    assert {"WEB_CONCURRENCY", "DJANGO_MIGRATE"} <= docker_variables()
    assert {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD"} <= env_example_variables()


@pytest.mark.parametrize(
    "source", [settings_variables, compose_variables, docker_variables, env_example_variables]
)
def test_every_variable_is_documented(source):
    missing = sorted(name for name in source() if not documented(name))
    assert not missing, f"not in docs/operations.md: {missing}"


def test_the_scripts_the_docs_name_exist():
    for path in re.findall(r"`((?:scripts|docker)/[\w./-]+)", DOCS):
        assert (ROOT / path).exists(), path

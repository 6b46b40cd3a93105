"""docker-compose.yml, the Dockerfile and .env.example, checked without a Docker engine.

`docker compose config` resolves and validates the compose file with the docker CLI alone; the
tests that need it skip when the CLI or its compose plugin is missing. The Dockerfile is read as
text (building it needs an engine)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
REQUIRED = {"DJANGO_SECRET_KEY": "compose-test-secret", "POSTGRES_PASSWORD": "composetestpw"}
APP_SERVICES = {"web", "worker", "beat"}


def compose_available() -> bool:
    if not shutil.which("docker"):
        return False
    result = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False, timeout=60
    )
    return result.returncode == 0


needs_compose = pytest.mark.skipif(
    not compose_available(), reason="needs the docker CLI with its compose plugin"
)


def compose_config(
    directory: Path = ROOT, *, env: dict[str, str] | None = None, profiles: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """`docker compose config` in a clean environment: only PATH, HOME and `env`, so that
    variables exported by the developer or CI (DATABASE_URL, ...) cannot leak in."""
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    clean.update(env if env is not None else REQUIRED)
    command = ["docker", "compose", "--project-directory", str(directory)]
    if directory == ROOT:
        # The checkout may hold a developer's .env: read no interpolation values from it.
        command += ["--env-file", os.devnull]
    for profile in profiles:
        command += ["--profile", profile]
    command += ["-f", str(directory / "docker-compose.yml"), "config", "--format", "json"]
    return subprocess.run(
        command, capture_output=True, text=True, env=clean, check=False, timeout=120
    )


@pytest.fixture(scope="module")
def config() -> dict:
    result = compose_config()
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def volume_targets(service: dict) -> dict[str, str]:
    return {volume["target"]: volume.get("source", "") for volume in service.get("volumes", [])}


@needs_compose
def test_services_are_the_stack_and_backup_is_an_ops_profile(config):
    assert set(config["services"]) == {"db", "redis", "migrate", *APP_SERVICES}
    result = compose_config(profiles=("ops",))
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)["services"]) == {
        "db",
        "redis",
        "migrate",
        "backup",
        *APP_SERVICES,
    }


@needs_compose
def test_migrations_run_once_before_web_worker_and_beat(config):
    services = config["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "docker/migrate.py"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        # Only the one-shot service migrates: nothing else asks the entrypoint to.
        assert "DJANGO_MIGRATE" not in services[name].get("environment", {}), name
        assert "migrate" not in " ".join(services[name]["command"]), name


@needs_compose
def test_health_checks(config):
    services = config["services"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "docker/healthcheck.py"]
    worker_check = " ".join(services["worker"]["healthcheck"]["test"])
    assert "inspect ping" in worker_check
    assert "celery@$${HOSTNAME}" in worker_check
    # The worker's node name is the one the health check pings.
    command = services["worker"]["command"]
    assert command[command.index("-n") + 1] == "celery@%h"
    assert (ROOT / "docker" / "healthcheck.py").is_file()


@needs_compose
def test_volumes_persist_data_and_share_media(config):
    services = config["services"]
    assert volume_targets(services["db"])["/var/lib/postgresql/data"] == "pgdata"
    assert volume_targets(services["redis"])["/data"] == "redisdata"
    redis_command = services["redis"]["command"]
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"
    assert volume_targets(services["web"])["/app/media"] == "media"
    assert volume_targets(services["worker"])["/app/media"] == "media"
    for name in APP_SERVICES | {"migrate"}:
        assert services[name]["environment"]["DJANGO_MEDIA_ROOT"] == "/app/media", name
    schedule = services["beat"]["command"][services["beat"]["command"].index("--schedule") + 1]
    assert volume_targets(services["beat"])[str(Path(schedule).parent)] == "beat"
    assert {"pgdata", "redisdata", "media", "beat"} <= set(config["volumes"])


@needs_compose
def test_web_runs_gunicorn_with_workers_from_web_concurrency(config):
    web = config["services"]["web"]
    assert web["command"][0] == "gunicorn"
    assert "docker/gunicorn.conf.py" in web["command"]
    assert web["environment"]["WEB_CONCURRENCY"] == "3"
    port = web["ports"][0]
    assert (port["target"], port["host_ip"]) == (8000, "127.0.0.1")
    scaled = compose_config(env={**REQUIRED, "WEB_CONCURRENCY": "7", "CELERY_CONCURRENCY": "5"})
    services = json.loads(scaled.stdout)["services"]
    assert services["web"]["environment"]["WEB_CONCURRENCY"] == "7"
    command = services["worker"]["command"]
    assert command[command.index("--concurrency") + 1] == "5"


@needs_compose
def test_exactly_one_beat(config):
    beat = config["services"]["beat"]
    assert beat["command"][:4] == ["celery", "-A", "renovation", "beat"]
    assert beat.get("scale", 1) == 1
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    beats = [
        name
        for name, service in config["services"].items()
        if " beat" in " ".join(service.get("command") or [])
    ]
    assert beats == ["beat"]


@needs_compose
def test_the_stack_refuses_to_start_without_its_secrets():
    for missing in REQUIRED:
        env = {key: value for key, value in REQUIRED.items() if key != missing}
        result = compose_config(env=env)
        assert result.returncode != 0
        assert missing in result.stderr


@needs_compose
def test_app_settings_come_from_dot_env_but_cannot_override_the_wiring(tmp_path):
    """`.env` configures the containers (env_file); a DATABASE_URL in it, or one exported in
    the shell, does not redirect the containers away from the db service. The .env.example
    copied as it is refuses to start: its secrets are empty."""
    shutil.copy(COMPOSE_FILE, tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = compose_config(tmp_path, env={})
    assert result.returncode != 0
    assert "required variable" in result.stderr
    assert any(name in result.stderr for name in REQUIRED)

    (tmp_path / ".env").write_text(
        (ROOT / ".env.example").read_text(encoding="utf-8")
        + "\nDJANGO_SECRET_KEY=from-dot-env\nPOSTGRES_PASSWORD=dotenvpw\n"
        "DJANGO_HSTS_SECONDS=31536000\nDATABASE_URL=postgres://elsewhere/other\n",
        encoding="utf-8",
    )
    result = compose_config(tmp_path, env={"DATABASE_URL": "postgres://127.0.0.1/shell"})
    assert result.returncode == 0, result.stderr
    web = json.loads(result.stdout)["services"]["web"]["environment"]
    assert web["DJANGO_SECRET_KEY"] == "from-dot-env"
    assert web["DJANGO_HSTS_SECONDS"] == "31536000"
    assert web["DATABASE_URL"] == "postgres://renovation:dotenvpw@db:5432/renovation"
    assert web["REDIS_URL"] == "redis://redis:6379/0"


@needs_compose
def test_backup_service_uses_the_servers_image_and_the_scripts(tmp_path):
    result = compose_config(profiles=("ops",))
    services = json.loads(result.stdout)["services"]
    backup, db = services["backup"], services["db"]
    assert backup["image"] == db["image"]
    assert backup["command"] == ["bash", "/scripts/backup.sh"]
    targets = volume_targets(backup)
    assert targets["/media"] == "media"
    assert Path(targets["/scripts"]) == ROOT / "scripts"
    assert backup["environment"]["DATABASE_URL"].endswith("@db:5432/renovation")
    assert "/backups" in targets


# --- Dockerfile and entrypoint (no engine needed) -------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_image_runs_as_an_unprivileged_user_and_bakes_in_no_secret():
    instructions = dockerfile_instructions()
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users
    assert users[-1] not in {"root", "0"}
    last_user = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "USER")
    assert last_user < next(i for i, (k, _) in enumerate(instructions) if k == "ENTRYPOINT")
    for keyword, rest in instructions:
        if keyword in {"ENV", "ARG"}:
            assert "SECRET" not in rest.upper(), rest
            assert "PASSWORD" not in rest.upper(), rest


def test_static_files_are_collected_into_the_image_with_the_manifest():
    runs = " ".join(rest for keyword, rest in dockerfile_instructions() if keyword == "RUN")
    assert "DJANGO_DEBUG=0" in runs
    assert "collectstatic --noinput" in runs
    assert "staticfiles.json" in runs


def test_dockerignore_keeps_secrets_data_and_backups_out_of_the_image():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", "backups", "media", ".venv", "db.sqlite3"} <= ignored


@pytest.mark.skipif(not shutil.which("sh"), reason="needs a POSIX shell")
@pytest.mark.parametrize("script", ["docker/entrypoint.sh"])
def test_entrypoint_is_valid_posix_shell(script):
    result = subprocess.run(
        ["sh", "-n", str(ROOT / script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert os.access(ROOT / script, os.X_OK)


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
@pytest.mark.parametrize(
    "script",
    ["scripts/backup.sh", "scripts/restore.sh", "scripts/check_backup.sh", "scripts/pg_common.sh"],
)
def test_backup_scripts_are_valid_bash(script):
    result = subprocess.run(
        ["bash", "-n", str(ROOT / script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_entrypoint_execs_the_command():
    """The command replaces the shell (exec), so gunicorn and Celery get the stop signal."""
    text = (ROOT / "docker" / "entrypoint.sh").read_text(encoding="utf-8")
    assert re.search(r'^exec "\$@"$', text, re.MULTILINE)

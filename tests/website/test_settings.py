import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the variables a deployment would have: no test-run settings or async overrides.
    # Nor the developer's state: a checkout that ran `./dev run` has a demo CA in var/ encrypted
    # under var/keys/kek, which the production start-up check (SIGNING_KEK) must not read.
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    }
    full_env["VAR_DIR"] = tempfile.mkdtemp(prefix="zc-manage-")
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "SECRET_KEY": "x" * 60 + "-production-test-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "zhicheng.example.cn",
    "SIGNING_KEK": "Zk9yLXRlc3RzLW9ubHktMzItYnl0ZXMta2V5LWhlcmU=",
    "ID_HASH_KEY": "production-test-id-hash-key-of-its-own",
}


@pytest.mark.parametrize("module", ["dev", "test", "production"])
def test_every_settings_module_loads(module):
    env = {"DJANGO_SETTINGS_MODULE": f"website.settings.{module}"}
    if module == "production":
        env = PRODUCTION_ENV
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = dict(PRODUCTION_ENV, SECRET_KEY="")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_id_hash_key():
    result = run_manage("check", env=dict(PRODUCTION_ENV, ID_HASH_KEY=""))
    assert result.returncode != 0
    assert "ID_HASH_KEY" in result.stderr and "生产环境必须设置" in result.stderr


def test_production_passes_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def dev_settings_print(
    code: str, drop: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess:
    """Run ``code`` (it prints what a test checks) after ``django.setup()`` in a new process with
    the dev settings, this environment without ``drop`` and with ``env``."""
    full_env = {k: v for k, v in os.environ.items() if k not in drop}
    full_env.update(DJANGO_SETTINGS_MODULE="website.settings.dev", **env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_locale_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_database_url_selects_the_database(monkeypatch):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = dev_settings_print(code, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


def test_test_settings_remove_their_scratch_folder_on_exit(tmp_path):
    """Each process that imports the test settings gets a scratch folder (media, index) and
    removes it when it exits; a forked child exiting first leaves its parent's folder alone."""
    code = (
        "import os, sys\n"
        "from website.settings import test as s\n"
        "folder = s.MEDIA_ROOT.parent\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    sys.exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "assert folder.is_dir() and folder.parent == __import__('pathlib').Path(os.environ['TMPDIR'])\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for _ in range(2):
        completed = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert completed.returncode == 0, completed.stderr
    assert list(tmp_path.iterdir()) == []

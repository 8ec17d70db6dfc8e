"""Settings come from the environment and fail loudly on bad values; production passes
`check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD = {"DEBUG": "false", "SECRET_KEY": "x" * 20 + "-a-real-production-secret-0123456789abc",
        "ALLOWED_HOSTS": "facturas.example.do", "DATABASE_URL": "sqlite:///tmp-deploy.db",
        "ECF_KEY_ENCRYPTION_KEY": "ZmRlY2Y3ZjQtZWNmLWtleS1mb3ItdGVzdHMtMDEyMzQ=",
        "REDIS_URL": "redis://127.0.0.1:6379/0"}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS",
                         "DJANGO_ALLOW_ASYNC_UNSAFE", "ECF_KEY_ENCRYPTION_KEY"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("env, message", [
    ({"DEBUG": "perhaps"}, "DEBUG"),
    ({**PROD, "SECRET_KEY": ""}, "SECRET_KEY"),
    ({**PROD, "SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
    ({**{k: v for k, v in PROD.items() if k != "ECF_KEY_ENCRYPTION_KEY"}},
     "ECF_KEY_ENCRYPTION_KEY"),
    ({"ECF_KEY_ENCRYPTION_KEY": "not-a-fernet-key"}, "ECF_KEY_ENCRYPTION_KEY"),
    ({"DGII_ECF_URL": "ecf.dgii.gov.do"}, "DGII_ECF_URL"),
])
def test_bad_values_fail_loudly(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_without_redis_is_refused():
    env = {key: value for key, value in PROD.items() if key != "REDIS_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "REDIS_URL must be set" in result.stderr


def test_s3_storage_needs_its_bucket():
    result = manage("check", FILE_STORAGE="storages.backends.s3.S3Storage")
    assert result.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in result.stderr
    result = manage("check", FILE_STORAGE="storages.backends.s3.S3Storage",
                    AWS_STORAGE_BUCKET_NAME="facturas", AWS_S3_REGION_NAME="us-east-1")
    assert result.returncode == 0, result.stderr


def test_procfile_release_step_migrates_and_collects_static():
    procfile = (ROOT / "Procfile").read_text().splitlines()
    release = next(line for line in procfile if line.startswith("release:"))
    assert "migrate --noinput" in release and "collectstatic --noinput" in release

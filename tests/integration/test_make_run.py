"""A newcomer's `make run`, from a fresh clone of this repository (its last commit) in a
temporary folder, with no DATABASE_URL or REDIS_URL (the embedded default): the set-up
installs the runtime lock and nothing else, migrates and seeds with a few lines of output,
and is safe to run again; the server prints the login once it answers, on the PORT asked
for, and a busy port gets a clear message instead of a banner and a traceback."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def _names(lock: Path) -> set[str]:
    names = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", lock.read_text(), re.MULTILINE)
    return {re.sub(r"[-_.]+", "-", name).lower() for name in names}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    target = tmp_path_factory.mktemp("fresh") / "invoicing"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True, timeout=120)
    return target


@pytest.fixture(scope="module")
def env():
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "REDIS_URL", "DJANGO_", "SQLITE_", "MEDIA_",
                                 "PYTEST", "VIRTUAL_ENV", "LOG_LEVEL"))}
    keep["PATH"] = os.pathsep.join(p for p in keep.get("PATH", "").split(os.pathsep)
                                   if ".venv" not in p)
    return keep


def _make(clone, env, *args, timeout=900):
    started = time.monotonic()
    result = subprocess.run(["make", "--no-print-directory", *args], cwd=clone, env=env,
                            capture_output=True, text=True, timeout=timeout)
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def first_setup(clone, env):
    result, seconds = _make(clone, env, "setup")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"\nfresh-clone `make setup`: {seconds:.0f} s")
    return result


def test_setup_installs_only_the_runtime_lock(clone, first_setup):
    freeze = subprocess.run([str(clone / ".venv/bin/python"), "-m", "pip", "freeze",
                             "--disable-pip-version-check"], capture_output=True, text=True,
                            check=True).stdout
    installed = {re.sub(r"[-_.]+", "-", line.split("==")[0]).lower()
                 for line in freeze.splitlines() if "==" in line}
    runtime, dev = _names(clone / "requirements.lock"), _names(clone / "requirements-dev.lock")
    assert installed == runtime
    assert {"pytest", "playwright", "schemathesis", "hypothesis", "ruff"} <= dev - installed


def test_setup_output_is_short_and_ends_with_the_demo(first_setup):
    lines = (first_setup.stdout + first_setup.stderr).strip().splitlines()
    assert len(lines) <= 6, "\n".join(lines)
    assert "demo@example.com / demo" in lines[-1]
    assert not any("celery" in line.lower() or "WARNING" in line for line in lines), lines


def test_setup_again_is_safe_and_installs_nothing(clone, env, first_setup):
    result, _seconds = _make(clone, env, "setup")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert not any("Installing" in line for line in lines), lines
    assert len(lines) <= 3 and "demo@example.com / demo" in lines[-1], lines


def test_run_prints_the_login_once_the_server_answers_and_refuses_a_busy_port(
        clone, env, first_setup):
    port = _free_port()
    server = subprocess.Popen(["make", "--no-print-directory", "run", f"PORT={port}"],
                              cwd=clone, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            seen.append(line.rstrip())
            if line.strip().startswith("Log in as"):
                break
        banner = next((line for line in seen if "is running at" in line), None)
        assert banner is not None, "\n".join(seen)
        assert f"http://127.0.0.1:{port}" in banner
        # The banner came once the login page answered: it answers now.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/",
                                    timeout=10) as answer:
            assert answer.status == 200

        busy, _seconds = _make(clone, env, "run", f"PORT={port}", timeout=120)
        out = busy.stdout + busy.stderr
        assert busy.returncode != 0
        assert f"Port {port} is already in use" in out and "PORT=" in out, out
        assert "is running at" not in out and "Traceback" not in out, out
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

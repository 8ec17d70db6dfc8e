#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 before the tests run: start them where
# they are installed but stopped, and say what to install where they are missing.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}

if ! pg_isready -q -h "$PGHOST" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" && break; sleep 1; done
  fi
  if ! pg_isready -q -h "$PGHOST" 2>/dev/null; then
    cat >&2 <<MSG
PostgreSQL is not answering on $PGHOST:5432 and could not be started.
Install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15),
start it, and allow local connections, or point DATABASE_URL at a server you have.
MSG
    exit 1
  fi
fi

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Starting Redis…"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    cat >&2 <<MSG
Redis is not answering on 127.0.0.1:$REDIS_PORT and could not be started.
Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and start
it, or point REDIS_URL at a server you have.
MSG
    exit 1
  fi
fi
echo "PostgreSQL and Redis are up."

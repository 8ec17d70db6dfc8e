#!/usr/bin/env bash
# `make run`'s last step: refuse a busy port with a clear message, then serve with Django's
# development server and print the URL and the demo login once it answers (not before).
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
HOST=127.0.0.1
URL="http://$HOST:$PORT"

if ! "$PY" - "$HOST" "$PORT" <<'PYEOF'
import socket, sys
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
try:
    sock.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PYEOF
then
  echo "Port $PORT is already in use (another server running?)." >&2
  echo "Stop it, or choose another port: make run PORT=8001" >&2
  exit 1
fi

# Waits for the server (this script's process once exec'd) to answer, then prints the banner.
server=$$
(
  "$PY" - "$URL/accounts/login/" "$server" <<'PYEOF' || exit 0
import os, sys, time, urllib.error, urllib.request
url, server = sys.argv[1], int(sys.argv[2])
for _ in range(600):
    try:
        os.kill(server, 0)
    except OSError:
        sys.exit(1)
    try:
        urllib.request.urlopen(url, timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PYEOF
  printf '\n  Invoicing is running at %s\n' "$URL"
  printf '  Log in as demo@example.com / demo    API docs: %s/api/docs/\n' "$URL"
  printf '  Stop it with Ctrl-C.\n\n'
) &

exec "$PY" manage.py runserver "$HOST:$PORT"

#!/usr/bin/env bash
# The package installs: build the wheel, install it into a fresh virtual environment outside the checkout, start the
# portal from another directory on a free loopback port (SQLite in a temporary instance folder, AUTO_MIGRATE=1) and
# fetch the login page (in Indonesian, then in English), a stylesheet it links to, and the migration stamp.
# Any failure exits non-zero. Usage: .ci/wheel_check.sh   (PYTHON=... names the interpreter whose pip builds and
# installs; the default is the checkout's .venv, as .ci/run makes it, else python3).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bp-wheel-check.XXXXXX")"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building the wheel"
# From a copy of the checkout: a build/ folder left in the checkout could otherwise add stale files to the wheel.
mkdir "$WORK/src" "$WORK/dist"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./build --exclude='*.egg-info' --exclude=./instance \
    --exclude=./test-artifacts --exclude='__pycache__' -cf - . | tar -C "$WORK/src" -xf -
"$PYTHON" -m pip wheel -qq --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL="$(ls "$WORK"/dist/bp_portal-*.whl)"
echo "   $(basename "$WHEEL")"

echo "== installing it into a fresh virtual environment"
# The environment gets no pip of its own: the building pip (22.3 or later) installs into it, without byte-compiling
# the dependencies (quicker; Python compiles what it imports).
"$PYTHON" -m venv --without-pip "$WORK/venv"
"$PYTHON" -m pip --python "$WORK/venv/bin/python" install -qq --no-compile "$WHEEL"

# Nothing from the checkout or the caller's settings may leak into the installed portal.
mkdir "$WORK/run" "$WORK/instance"
CLEAN_ENV=(env -i "PATH=$WORK/venv/bin:/usr/bin:/bin" "HOME=$WORK/run" "LANG=C.UTF-8"
           "PORTAL_INSTANCE_PATH=$WORK/instance" "AUTO_MIGRATE=1")
cd "$WORK/run"
"${CLEAN_ENV[@]}" python -c '
import sys, portal
where = portal.__file__
assert where.startswith(sys.prefix), f"portal imported from {where}, not from the fresh environment {sys.prefix}"
assert portal.INSTALLED, "the installed portal does not find its templates inside the package"
assert portal.default_instance_path() is None, "an installed portal must not default to an instance/ in site-packages"
import flask
default = flask.Flask("portal").instance_path
assert default == f"{sys.prefix}/var/portal-instance", default
print("   portal imported from", where)
'

PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "== starting the installed portal with gunicorn on 127.0.0.1:$PORT from $WORK/run"
"${CLEAN_ENV[@]}" gunicorn -w 1 -b "127.0.0.1:$PORT" --log-level warning 'portal:create_app()' \
  >"$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!

if ! "${CLEAN_ENV[@]}" python - "$PORT" "$WORK/instance/portal.db" "$SERVER_PID" <<'EOF'
import http.cookiejar
import re
import sqlite3
import sys
import time
import urllib.error
import urllib.request

port, database, server = sys.argv[1:4]
base = f"http://127.0.0.1:{port}"
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def get(path):
    try:
        with opener.open(base + path, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:  # an answer all the same: the checks below report it
        return error.code, error.headers.get("Content-Type", ""), error.read()


deadline = time.monotonic() + 90
while True:
    try:
        status, kind, body = get("/akun/masuk")
        break
    except (urllib.error.URLError, ConnectionError) as error:
        with open(f"/proc/{server}/stat") as stat:  # a server that failed to boot is a zombie until reaped
            if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                sys.exit("gunicorn exited before it served a page")
        if time.monotonic() > deadline:
            sys.exit(f"the portal did not answer within 90 s: {error}")
        time.sleep(0.5)
page = body.decode("utf-8")
assert status == 200 and kind.startswith("text/html"), f"/akun/masuk: {status} {kind}"
assert "<h1>Masuk</h1>" in page, "the login page has no Indonesian heading"
print("   /akun/masuk: 200, heading 'Masuk'")

sheets = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', page)
assert sheets, "the login page links no stylesheet under /static/"
status, kind, body = get(sheets[0])
assert status == 200 and kind.startswith("text/css") and body.strip(), (sheets[0], status, kind, len(body))
print(f"   {sheets[0]}: 200, {kind}, {len(body)} bytes")

status, kind, body = get("/akun/bahasa/en?next=/akun/masuk")
assert status == 200 and "<h1>Sign in</h1>" in body.decode("utf-8"), "the English catalogue is not used"
print("   /akun/masuk in English: 'Sign in' (compiled translations found)")

with sqlite3.connect(database) as connection:
    (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
print(f"   migrations applied at start-up: revision {revision}")
EOF
then
  echo "wheel check FAILED; gunicorn log:"
  cat "$WORK/gunicorn.log"
  exit 1
fi
echo "== the installed wheel serves the portal"

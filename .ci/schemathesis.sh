#!/usr/bin/env bash
# Runs schemathesis (PyPI) against the sandbox binary with the project's OpenAPI description:
# no 5xx, and no status, content type or body that contradicts the description.
# Usage: .ci/schemathesis.sh [extra schemathesis options, e.g. --max-examples 20]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import schemathesis' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
fi
cargo build --quiet -p extern-api-sandbox
port=${SANDBOX_PORT:-18765}
target/debug/extern-api-sandbox --listen "127.0.0.1:$port" > target/schemathesis-sandbox.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  python3 - "$base" <<'PY' 2>/dev/null && break
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/v1/handbooks/control-units", timeout=1)
PY
  sleep 0.1
done
eval "$(python3 - "$base" <<'PY'
import json, sys, urllib.parse, urllib.request
base = sys.argv[1]
form = urllib.parse.urlencode({"grant_type": "password", "username": "user@sandbox.local", "password": "sandbox",
                               "client_id": "sandbox", "client_secret": "sandbox-api-key"}).encode()
token = json.load(urllib.request.urlopen(base + "/connect/token", form))["access_token"]
req = urllib.request.Request(base + "/v1", headers={"Authorization": "Bearer " + token})
account = json.load(urllib.request.urlopen(req))["accounts"][0]["id"]
print(f"export EXTERN_TOKEN={token} EXTERN_ACCOUNT={account}")
PY
)"
python3 -m schemathesis.cli --config-file .ci/schemathesis.toml run openapi/extern-api.json \
  --url "$base" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,fuzzing \
  --workers 2 \
  "$@"

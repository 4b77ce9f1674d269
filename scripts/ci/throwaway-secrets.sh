#!/usr/bin/env bash
# Throw-away state only (preview.yml without a backend): creates STACK there and sets the program's
# secret keys -- a closed LogService's two passwords (program/stackConfig.ts, SECRET_KEYS) -- to
# passwords made here, so the preview runs the program as `pulumi up` would. They are read from
# stdin (never a command line) and die with the state. A persistent stack keeps its own, which its
# stack file holds encrypted (docs/ci.md, "Secrets").
#
#   throwaway-secrets.sh BACKEND_URL STACK      (in the program's directory)
set -euo pipefail
backend=$1 stack=$2
pulumi login "$backend" >/dev/null
pulumi stack select "$stack" --create --non-interactive >/dev/null
for key in logsIngestPassword logsReaderPassword; do
  openssl rand -hex 24 | pulumi config set --secret --stack "$stack" "webserver-sidecar:$key"
done
echo "throw-away stack '$stack': the LogService's passwords made for this preview"

#!/usr/bin/env bash
# Validates every GitHub Actions workflow against the workflow schema, offline
# (@action-validator/cli). Pins, inputs and runtimes of the actions they use are checked by
# tests/unit/workflows.test.ts against the vendored action.yml files.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
status=0
for f in .github/workflows/*.yml; do
  if npx --no-install action-validator "$f"; then echo "valid: $f"; else echo "INVALID: $f"; status=1; fi
done
exit $status

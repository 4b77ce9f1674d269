#!/usr/bin/env bash
# Validates every GitHub Actions workflow against the workflow schema, offline
# (@action-validator/cli), and checks that every action is pinned to an exact version.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for f in .github/workflows/*.yml; do
  if npx --no-install action-validator "$f"; then echo "valid: $f"; else echo "INVALID: $f"; status=1; fi
  # `uses: owner/repo@v4` floats; require @vX.Y.Z or a 40-hex commit.
  while IFS= read -r line; do
    echo "UNPINNED in $f: $line"; status=1
  done < <(grep -E '^\s*(- )?uses:' "$f" | grep -vE '@(v[0-9]+\.[0-9]+\.[0-9]+|[0-9a-f]{40})\s*$')
done
exit $status

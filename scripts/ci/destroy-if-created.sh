#!/usr/bin/env bash
# `pulumi destroy` of STACK if it was ever created in the logged-in backend; otherwise says so and
# succeeds, so a clean-up step that runs after an earlier failure does not fail again.
#
#   destroy-if-created.sh STACK
set -uo pipefail
stack=$1
if ! pulumi stack select "$stack" --non-interactive >/dev/null 2>&1; then
  echo "stack $stack was never created: nothing to destroy"
  exit 0
fi
pulumi destroy --yes --skip-preview --non-interactive --stack "$stack"

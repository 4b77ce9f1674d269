#!/usr/bin/env bash
# Stops a preview whose persistent state has no stack STACK: `pulumi preview` with upsert would
# create an empty stack and diff the pull request against nothing, silently.
#
#   require-stack.sh BACKEND_URL STACK
set -uo pipefail
backend=$1 stack=$2
pulumi login "$backend" >/dev/null || exit 1
if ! pulumi stack select "$stack" --non-interactive 2>/dev/null; then
  existing=$(pulumi stack ls --json 2>/dev/null | sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' | tr '\n' ' ')
  msg="stack '$stack' does not exist in the state backend (${backend%%://*}): a preview would compare this pull request with nothing. Set the repository variable PULUMI_STACK to an existing stack (there: ${existing:-none}), or create and deploy it first (deploy.yml does on a push to main)."
  echo "::error::$msg"
  echo "$msg" >&2
  exit 1
fi
echo "comparing with stack '$stack' (${backend%%://*} state)"

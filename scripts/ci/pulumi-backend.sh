#!/usr/bin/env bash
# Chooses the Pulumi state backend for a workflow run and writes it as step outputs
# (url, kind, note) to $GITHUB_OUTPUT (stdout when run by hand).
#
#   STATE_BACKEND_URL    the repository variable PULUMI_BACKEND_URL: s3://..., gs://..., azblob://...,
#                        https://api.pulumi.com (or a self-hosted Pulumi Cloud): persistent state
#   PULUMI_ACCESS_TOKEN  a Pulumi Cloud token (a secret, or from OIDC): persistent state on Pulumi Cloud
#   neither              (forks never receive secrets): throw-away file:// state under $RUNNER_TEMP,
#                        created here, because `pulumi login file://DIR` refuses a missing DIR
#   STACK                the stack the workflow previews or deploys, named in the note
#
# With persistent state a preview shows what a pull request changes against the last `pulumi up`;
# with throw-away state every resource shows as a create, and the note says so.
set -euo pipefail
out=${GITHUB_OUTPUT:-/dev/stdout}
of_stack=""
[ -n "${STACK:-}" ] && of_stack=" of stack \`$STACK\`"

if [ -n "${STATE_BACKEND_URL:-}" ]; then
  url=$STATE_BACKEND_URL kind=persistent
  scheme=${url%%://*}
  # A file:// URL is persistent only on a self-hosted runner; it must exist all the same.
  [ "$scheme" = file ] && mkdir -p "${url#file://}"
  note="State: the \`$scheme\` backend of the repository variable \`PULUMI_BACKEND_URL\`; the preview compares this pull request with the last \`pulumi up\`$of_stack."
elif [ -n "${PULUMI_ACCESS_TOKEN:-}" ]; then
  url=https://api.pulumi.com kind=persistent
  note="State: Pulumi Cloud (its token: secret \`PULUMI_ACCESS_TOKEN\`, or OIDC); the preview compares this pull request with the last \`pulumi up\`$of_stack."
else
  dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pulumi-state"
  mkdir -p "$dir"
  url="file://$dir" kind=throwaway
  note="State: throw-away (no \`PULUMI_BACKEND_URL\` variable or \`PULUMI_ACCESS_TOKEN\` secret; pull requests from forks get neither), previewed against a fresh kind cluster: every resource shows as a create."
fi

{
  echo "url=$url"
  echo "kind=$kind"
  echo "note=$note"
} >> "$out"
echo "state backend: $kind ${url%%://*}" >&2

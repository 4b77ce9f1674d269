#!/usr/bin/env bash
# Writes the tool pins the workflows need as step outputs, read from tools/versions.env (where every
# tool version is pinned, and nowhere else): `pulumi` is the Pulumi CLI that pulumi/actions installs
# (the release @pulumi/pulumi is pinned to, and the one the integration suite runs here).
set -euo pipefail
out=${GITHUB_OUTPUT:-/dev/stdout}
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^PULUMI_VERSION=\([0-9][0-9.]*\)$/\1/p' tools/versions.env)
if [ -z "$version" ]; then
  echo "tools/versions.env sets no PULUMI_VERSION" >&2
  exit 1
fi
echo "pulumi=$version" >> "$out"
echo "Pulumi CLI pinned to $version" >&2

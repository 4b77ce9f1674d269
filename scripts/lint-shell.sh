#!/usr/bin/env bash
# ShellCheck over every shell script of the project (Debian: apt-get install shellcheck).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck is not installed; install it with: sudo apt-get install -y shellcheck" >&2; exit 1; }
mapfile -t files < <(find . \( -name node_modules -o -name .git -o -name dist -o -name .pack-test \) -prune -o -type f \( -name '*.sh' -o -path ./.ci/run \) -print | sort)
shellcheck "${files[@]}" && echo "shellcheck: ${#files[@]} scripts clean"

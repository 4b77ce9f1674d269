#!/usr/bin/env bash
# ShellCheck over every shell script of the project (Debian: apt-get install shellcheck).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck is not installed; install it with: sudo apt-get install -y shellcheck" >&2; exit 1; }
# The sidecar's shippers run as retention.sh followed by the shipper (components/shippers.ts):
# each is checked as that whole (line numbers count from retention.sh's first line).
shippers=components/shipper
mapfile -t files < <(find . \( -name node_modules -o -name .git -o -name dist -o -name .pack-test -o -name .stryker-tmp -o -path "./$shippers" \) -prune -o -type f \( -name '*.sh' -o -path ./.ci/run \) -print | sort)
status=0
shellcheck -x "${files[@]}" || status=1
for shipper in stream agent; do
    cat "$shippers/retention.sh" "$shippers/$shipper.sh" | shellcheck -s bash - || { echo "  (in $shippers/retention.sh + $shipper.sh)"; status=1; }
done
# The classic sidecar's preStop hook runs on its own.
shellcheck "$shippers/prestop.sh" || status=1
[ "$status" = 0 ] && echo "shellcheck: $((${#files[@]} + 3)) scripts clean (the shippers each with retention.sh, the preStop hook)"
exit "$status"

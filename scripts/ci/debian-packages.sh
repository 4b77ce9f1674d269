#!/usr/bin/env bash
# Installs the Debian packages .ci/run needs that are missing, and only those: PACKAGE... as
# arguments. A package whose command is already there from elsewhere is left alone -- runc above
# all: GitHub's ubuntu runners carry Docker's runc (package containerd.io), which conflicts with
# Debian's runc package, so installing it would fail or remove Docker; podman uses the runc there is.
set -uo pipefail
missing=()
# The same for a browser: the e2e opens the LogService's links in any Chromium or Chrome there is
# (GitHub's runners carry Google Chrome; Ubuntu's chromium package is only a snap's stub).
BROWSERS=(chromium chromium-browser google-chrome google-chrome-stable)
# Java and Maven (the Java example, tests/integration/examples.test.ts) likewise: a runner's own JDK
# or Maven (GitHub's carry Temurin and Maven outside dpkg) is used as it is.
for pkg in "$@"; do
  if [ "$pkg" = runc ] && command -v runc >/dev/null 2>&1; then continue; fi
  if [ "$pkg" = maven ] && command -v mvn >/dev/null 2>&1; then continue; fi
  if [ "$pkg" = default-jdk-headless ] && command -v javac >/dev/null 2>&1; then continue; fi
  if [ "$pkg" = chromium ] && command -v "${BROWSERS[@]}" >/dev/null 2>&1; then continue; fi
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing: ${missing[*]}"
if ! { $SUDO apt-get update -q && $SUDO apt-get install -y -q "${missing[@]}"; }; then
  echo "apt-get install ${missing[*]} failed" >&2
  exit 1
fi

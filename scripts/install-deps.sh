#!/usr/bin/env bash
# Installs, from Debian's packages, everything needed to build smtpfixture and
# run its whole test suite with the real clients (curl, libcurl, python3,
# swaks, openssl), dkimpy (python3-dkim, python3-nacl: the DKIM oracle) and the
# benchmarks' reference server (Postfix's smtp-sink).
# Quiet and idempotent: packages already present are not fetched again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev libuv1-dev
  libcurl4-openssl-dev curl openssl python3 swaks
  python3-dkim python3-nacl
  postfix clang-format
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix is only used for its smtp-sink program; don't let its
  # configuration prompt or start a mail system.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections 2>/dev/null || true
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

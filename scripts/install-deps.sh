#!/usr/bin/env bash
# Installs, from Debian's packages, everything needed to build smtpfixture and
# run its whole test suite: the real clients with the capabilities the tests
# use (tests/support/capabilities.txt), dkimpy for the DKIM oracle, the
# fuzzers' compiler, and the
# benchmarks' reference server (Postfix's smtp-sink).
# Quiet and idempotent: packages already present are not fetched again.
#
#   install-deps.sh          install what is missing
#   install-deps.sh --list   print the packages, one a line (CI's preflight)
#
# Packages are installed with --no-install-recommends, so everything a test
# needs is named here, recommended or not.
set -euo pipefail

packages=(
  # Build.
  build-essential
  cmake
  ninja-build
  pkg-config
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libssl-dev
  libuv1-dev
  libcurl4-openssl-dev
  clang-format
  # Compiler cache: .ci/run uses it, so a CI machine that is kept between runs
  # rebuilds only what changed.
  ccache
  # Fuzzers: clang with libFuzzer and the sanitizer runtimes.
  clang-14
  libclang-rt-14-dev
  # End-to-end clients. curl is built with OpenSSL (smtps); python3 brings
  # ssl and smtplib.
  curl
  openssl
  python3
  # swaks, with Perl's Net::SSLeay for TLS (only recommended by swaks);
  # MIME::Base64 and Digest::MD5 for AUTH PLAIN/LOGIN/CRAM-MD5 come with perl.
  swaks
  libnet-ssleay-perl
  perl
  # The DKIM oracle: dkimpy signs, with PyNaCl for ed25519.
  python3-dkim
  python3-nacl
  # Benchmarks: Postfix's smtp-sink as the reference server.
  postfix
)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

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

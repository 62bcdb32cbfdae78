#!/usr/bin/env bash
# CI's first check, after install-deps.sh: every package install-deps.sh lists
# is installed, and every client capability the tests use is there (the rows
# of tests/support/capabilities.txt, the same checks the tests run). Fails
# fast, one line per problem, so a missing install step cannot hide behind
# skipped tests.
set -euo pipefail
cd "$(dirname "$0")/.."

problems=0
while read -r package; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    echo "preflight: Debian package $package is not installed (scripts/install-deps.sh installs it)"
    problems=$((problems + 1))
  fi
done < <(./scripts/install-deps.sh --list)

trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
while IFS='|' read -r name packages what check; do
  name=$(trim "$name")
  case "$name" in ''|'#'*) continue ;; esac
  if ! sh -c "$(trim "$check")" >/dev/null 2>&1; then
    echo "preflight: $(trim "$what") is not available [$name]: install the Debian package(s) $(trim "$packages")"
    problems=$((problems + 1))
  fi
done < tests/support/capabilities.txt

if [ "$problems" -gt 0 ]; then
  echo "preflight: $problems problem(s); run scripts/install-deps.sh"
  exit 1
fi
echo "preflight: $(./scripts/install-deps.sh --list | wc -l) packages installed, every client capability present"

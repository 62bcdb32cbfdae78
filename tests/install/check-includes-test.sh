#!/usr/bin/env bash
# The layering check's own test: copies the tree's sources, DEVELOPING.md and
# scripts/check-includes.sh into a scratch folder, then plants one file (or one
# change of the table) per case and expects the check to fail naming it, or to
# pass. Proves that the script reads DEVELOPING.md's table and enforces it.
# Needs no build.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

pristine="$scratch/pristine"
mkdir "$pristine"
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and new files alike, as they are in the working tree.
  git -C "$source_dir" ls-files -z --cached --others --exclude-standard -- \
      DEVELOPING.md scripts/check-includes.sh '*.h' '*.cc' '*.c' |
    while IFS= read -r -d '' f; do [ -e "$source_dir/$f" ] && printf '%s\0' "$f"; done |
    tar -C "$source_dir" --null -T - -cf - | tar -C "$pristine" -xf -
else
  (cd "$source_dir" && tar --exclude='./build*' -cf - .) | tar -C "$pristine" -xf -
fi

failures=0
n=0
case_dir=""
fresh() {  # a new copy of the pristine tree for one case
  n=$((n + 1))
  case_dir="$scratch/case$n"
  cp -R "$pristine" "$case_dir"
}
plant() {  # plant FILE LINE...: a new file holding these lines
  local file="$case_dir/$1"
  shift
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$@" >"$file"
}
run() { bash "$case_dir/scripts/check-includes.sh" "$case_dir" 2>&1; }
expect_pass() {  # expect_pass WHAT
  local out status=0
  out=$(run) || status=$?
  if [ $status -ne 0 ]; then
    echo "FAIL: $1: the check failed:"
    printf '%s\n' "$out"
    failures=$((failures + 1))
  else
    echo "ok: $1"
  fi
}
expect_fail() {  # expect_fail WHAT TEXT: fails, and its output contains TEXT
  local out status=0
  out=$(run) || status=$?
  if [ $status -eq 0 ]; then
    echo "FAIL: $1: the check passed"
    failures=$((failures + 1))
  elif ! grep -qF -- "$2" <<<"$out"; then
    echo "FAIL: $1: the output does not mention '$2':"
    printf '%s\n' "$out"
    failures=$((failures + 1))
  else
    echo "ok: $1"
  fi
}

fresh
expect_pass "the tree as it is"

fresh
plant fixture/base/planted.h '#include "fixture/net/server_impl.h"'
expect_fail "base includes net" 'fixture/base/planted.h: includes "fixture/net/server_impl.h"'

fresh
plant fixture/smtp/planted.cc '#include "fixture/smtp/smtp_session.h"' '#include "fixture/tls/tls_channel.h"'
expect_fail "smtp includes tls" 'fixture/smtp/planted.cc: includes "fixture/tls/tls_channel.h"'

fresh
plant tools/smtpfixture-server/planted.cc '#include "smtpfixture/server.h"' \
  '#include "tools/smtpfixture-server/json_writer.h"' '#include <string>'
expect_pass "a tool on the public headers"

fresh
plant tools/smtpfixture-server/planted.cc '#include "smtpfixture/server.h"' '#include "fixture/mime/charset.h"'
expect_fail "a tool includes fixture internals" 'tools/smtpfixture-server/planted.cc: includes "fixture/mime/charset.h"'

fresh
plant examples/mailer/planted.cc '#include "mailer/mailer.h"' '#include "fixture/base/base64.h"'
expect_fail "an example includes fixture internals" 'examples/mailer/planted.cc: includes "fixture/base/base64.h"'

fresh
plant tests/planted_test.cc '#include "fixture/net/connection.h"' '#include "certs/pki.h"'
expect_pass "a test includes internals"

fresh
plant include/smtpfixture/planted.h '#include <uv.h>'
expect_fail "a public header includes uv.h" 'include/smtpfixture/planted.h: a public header includes libuv or OpenSSL'

fresh
plant include/smtpfixture/planted.h '#include "fixture/base/utf8.h"'
expect_fail "a public header includes fixture/" 'include/smtpfixture/planted.h: includes "fixture/base/utf8.h"'

fresh
plant lib/planted.cc '#include "smtpfixture/server.h"'
expect_fail "a folder without a row" 'lib/planted.cc: its folder has no row'

# The table is the rule: widen a row and the planted include is fine; drop a
# row and that folder's files fail; without the table nothing passes.
fresh
plant fixture/base/planted.h '#include "fixture/net/server_impl.h"'
sed -i 's/^| `fixture\/base\/` | \(.*\) | `fixture\/base\/` |$/| `fixture\/base\/` | \1 | `fixture\/base\/`, `fixture\/net\/` |/' \
  "$case_dir/DEVELOPING.md"
expect_pass "the same include, allowed by an edited table"

fresh
sed -i '/^| `fixture\/gtest\/` |/d' "$case_dir/DEVELOPING.md"
expect_fail "the table without fixture/gtest's row" 'fixture/gtest/'

fresh
sed -i 's/^<!-- layering table -->$//' "$case_dir/DEVELOPING.md"
expect_fail "DEVELOPING.md without the table" 'no layering table'

if [ $failures -ne 0 ]; then
  echo "check-includes-test: $failures of $n cases failed"
  exit 1
fi
echo "check-includes-test: all $n cases pass"

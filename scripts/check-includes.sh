#!/usr/bin/env bash
# Fails when a file includes a project header that its folder may not use.
# The order is the one ARCHITECTURE.md gives (no arrow back up):
#
#   include/smtpfixture   the public headers: only each other
#   certs                 public headers
#   fixture/base          nothing of ours
#   fixture/smtp          base, certs/openssl_ptr.h, public headers,
#                         message/message_record.h (the record it delivers;
#                         that header includes public headers only)
#   fixture/tls           base, certs, public headers
#   fixture/mime          base, certs/openssl_ptr.h, public headers
#   fixture/message       base, mime, public headers
#   fixture/net           base, certs, smtp, tls, mime, message, public headers
#   fixture/gtest         public headers
#   tools/                public headers, its own folder (never the internals)
#   examples/X            public headers, X/ (never the internals)
#   tests/                anything of ours (tests may use the internals)
#
# Public headers must not reach uv.h or OpenSSL either. Run from anywhere;
# exits 1 with one line per offending include.
set -euo pipefail
cd "$(dirname "$0")/.."

allowed() {  # folder -> space-separated include prefixes it may use
  case "$1" in
    include/smtpfixture*) echo "smtpfixture/" ;;
    certs) echo "smtpfixture/ certs/" ;;
    fixture/base) echo "fixture/base/" ;;
    fixture/smtp) echo "smtpfixture/ fixture/base/ fixture/smtp/ certs/openssl_ptr.h fixture/message/message_record.h" ;;
    fixture/tls) echo "smtpfixture/ fixture/base/ fixture/tls/ certs/" ;;
    fixture/mime) echo "smtpfixture/ fixture/base/ fixture/mime/ certs/openssl_ptr.h" ;;
    fixture/message) echo "smtpfixture/ fixture/base/ fixture/mime/ fixture/message/" ;;
    fixture/net) echo "smtpfixture/ fixture/base/ fixture/smtp/ fixture/tls/ fixture/mime/ fixture/message/ fixture/net/ certs/" ;;
    fixture/gtest) echo "smtpfixture/ fixture/gtest/" ;;
    tools/*) echo "smtpfixture/ $1/" ;;
    examples/*) echo "smtpfixture/ ${1#examples/}/" ;;
    tests | tests/*) echo "smtpfixture/ certs/ fixture/ tests/" ;;
    *) echo "?" ;;
  esac
}

status=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  rules=$(allowed "$dir")
  if [ "$rules" = "?" ]; then
    echo "$file: folder $dir has no rule in scripts/check-includes.sh"
    status=1
    continue
  fi
  while IFS= read -r line; do
    inc=$(sed -E 's/^#include "([^"]+)".*/\1/' <<<"$line")
    ok=0
    for prefix in $rules; do
      case "$inc" in "$prefix"*) ok=1 ;; esac
    done
    if [ $ok -eq 0 ]; then
      echo "$file: includes \"$inc\", which $dir may not use"
      status=1
    fi
  done < <(grep -E '^#include "' "$file" || true)
  if [[ "$dir" == include/smtpfixture* ]] &&
     grep -qE '^#include <(uv\.h|openssl/)' "$file"; then
    echo "$file: a public header includes libuv or OpenSSL"
    status=1
  fi
done < <(git ls-files 'include/*.h' 'certs/*.h' 'certs/*.cc' 'fixture/*.h' 'fixture/*.cc' \
           'tools/*.h' 'tools/*.cc' 'examples/*.h' 'examples/*.cc' 'tests/*.h' 'tests/*.cc')
[ $status -eq 0 ] && echo "includes follow the layering order"
exit $status

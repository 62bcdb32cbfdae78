#!/usr/bin/env bash
# Fails when a file includes a project header that its folder may not use.
#
# The rules are not written here: they are the layering table of DEVELOPING.md
# (the rows after the line `<!-- layering table -->`), read on every run. Each
# row is `| folder | what it is | may include |`; in the third cell every
# backquoted path is a prefix the folder's files may #include "..."; the word
# "anything" lifts the check. A file belongs to the row with the longest folder
# that contains it; a tracked .h/.cc/.c file in no row's folder fails.
# Besides the table, public headers (include/smtpfixture/) may not include
# <uv.h> or <openssl/...>.
#
# It reads only the source files, never a build tree: CI runs it before any
# build, and it takes well under a second.
#
#   scripts/check-includes.sh          check this source tree
#   scripts/check-includes.sh ROOT     check another tree (a copy, for its test)
#
# Exits 1 with one line per offending include.
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
cd "$root"

table=DEVELOPING.md
if [ ! -f "$table" ] || ! grep -q '^<!-- layering table -->' "$table"; then
  echo "$PWD/$table: no layering table (a line <!-- layering table --> before it)"
  exit 1
fi

# git's list where ROOT is a checkout's top (no build trees, no stray files);
# otherwise (a copy, a tarball) every source file outside build folders.
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
  list_files() { git ls-files -- '*.h' '*.cc' '*.c'; }
else
  list_files() {
    find . \( -name .git -o -name 'build*' \) -prune -o -type f \
      \( -name '*.h' -o -name '*.cc' -o -name '*.c' \) -print | sed 's|^\./||'
  }
fi

# One awk pass: the table first, then every file's name alone, then every
# include line as "FILE:#include ..." (grep -H).
mapfile -t files < <(list_files | sort)
{
  printf '%s\n' "${files[@]}"
  printf '%s\0' "${files[@]}" |
    xargs -0 grep -HE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' -- || true
} | awk -v table="$table" '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
BEGIN {
  in_table = 0; rows = 0
  while ((getline line < table) > 0) {
    if (line ~ /^<!-- layering table -->/) { in_table = 1; continue }
    if (!in_table) continue
    if (line !~ /^\|/) { if (rows > 0) break; else continue }
    n = split(line, cell, "|")
    if (n < 5) continue
    folder = trim(cell[2])
    if (folder !~ /^`.*`$/) continue  # the header row and the --- row
    gsub(/`/, "", folder)
    if (folder !~ /\/$/) folder = folder "/"
    rule = cell[4]
    allow = ""
    if (rule ~ /anything/) allow = "*"
    while (match(rule, /`[^`]+`/)) {
      allow = allow " " substr(rule, RSTART + 1, RLENGTH - 2)
      rule = substr(rule, RSTART + RLENGTH)
    }
    rows++
    folders[rows] = folder
    allowed[folder] = allow
  }
  if (rows == 0) { print table ": the layering table has no rows"; bad = 1 }
}
function row_of(path,   i, best) {
  best = ""
  for (i = 1; i <= rows; i++)
    if (index(path, folders[i]) == 1 && length(folders[i]) > length(best))
      best = folders[i]
  return best
}
# A file name alone: find its row.
index($0, ":") == 0 {
  file = $0
  row[file] = row_of(file)
  if (row[file] == "") {
    print file ": its folder has no row in the layering table of " table
    bad = 1
  }
  next
}
{
  file = substr($0, 1, index($0, ":") - 1)
  line = substr($0, index($0, ":") + 1)
  r = row[file]
  if (r == "") next
  if (r == "include/smtpfixture/" && line ~ /<(uv\.h|openssl\/)/) {
    print file ": a public header includes libuv or OpenSSL (" trim(line) ")"
    bad = 1
  }
  if (line !~ /"/) next  # <system> headers: only the rule above
  inc = line
  sub(/^[^"]*"/, "", inc)
  sub(/".*$/, "", inc)
  if (allowed[r] == "*") next
  ok = 0
  n = split(allowed[r], prefix, " ")
  for (i = 1; i <= n; i++)
    if (index(inc, prefix[i]) == 1) ok = 1
  if (!ok) {
    print file ": includes \"" inc "\", which " r " may not use (layering table of " table ")"
    bad = 1
  }
}
END {
  if (bad) exit 1
  print "includes follow the layering table of " table " (" rows " folders)"
}'

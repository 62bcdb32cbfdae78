#!/usr/bin/env bash
# Installs smtpfixture from a build tree into a scratch prefix, then builds and
# runs a separate project that finds it with find_package(smtpfixture CONFIG),
# and the same project through add_subdirectory. Proves the exported package
# works for users.
set -euo pipefail
build_dir=${1:?usage: check.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null
test -x "$scratch/prefix/bin/smtpfixture-server"

cmake -S "$here/consumer" -B "$scratch/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/consumer" >/dev/null
"$scratch/consumer/consumer_test"

cmake -S "$here/consumer" -B "$scratch/subdir" -G Ninja \
  -DSMTPFIXTURE_SOURCE_DIR="$source_dir" >/dev/null
cmake --build "$scratch/subdir" >/dev/null
"$scratch/subdir/consumer_test"
echo "install-and-consume: ok"

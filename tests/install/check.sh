#!/usr/bin/env bash
# Installs smtpfixture from a build tree into a scratch prefix, then builds and
# runs a separate project that finds it with find_package(smtpfixture CONFIG),
# the same project through add_subdirectory, and the same test from a plain
# Makefile through pkg-config. Proves the exported packages work for users.
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
# Without CMake: pkg-config and make, from outside the source tree.
pc_file=$(find "$scratch/prefix" -name smtpfixture.pc)
pc_dir=$(dirname "$pc_file")
test -f "$pc_dir/smtpfixture-gtest.pc"
mkdir "$scratch/make"
PKG_CONFIG_PATH="$pc_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
  make -s -C "$scratch/make" -f "$here/make-consumer/Makefile" >/dev/null
"$scratch/make/consumer_test"
echo "install-and-consume: ok"

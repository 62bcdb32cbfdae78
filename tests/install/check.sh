#!/usr/bin/env bash
# Proves that each way README.md gives of adding smtpfixture to a project
# works: installs a build tree into a scratch prefix, then builds and runs the
# same small test (consumer/consumer_test.cc: a SmtpServerTest that sends one
# message over a raw socket and asserts on it) in a separate project that
#   1. finds the install with find_package(smtpfixture CONFIG),
#   2. fetches it with FetchContent from a file:// URL of an archive of this
#      source tree as it is (no network),
#   3. vendors the same sources with add_subdirectory,
#   4. declares them to FetchContent with SOURCE_DIR,
#   5. is a plain Makefile using the install through pkg-config.
# 2 to 4 compile the library from source; with ccache in the environment
# (CCACHE_NOHASHDIR=1, as .ci/run sets) 3 and 4 reuse the objects of 2.
#
#   tests/install/check.sh BUILD_DIR
set -euo pipefail
build_dir=${1:?usage: check.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

step_started=$(date +%s)
step() {  # prints the previous step's seconds and the next step's name
  local now
  now=$(date +%s)
  printf 'install-and-consume: %s (previous step %d s)\n' "$1" $((now - step_started))
  step_started=$now
}

# Configures, builds and runs the consumer project in $scratch/$1 with the
# remaining arguments.
consume() {
  local name=$1
  shift
  step "$name"
  cmake -S "$here/consumer" -B "$scratch/$name" -G Ninja "$@" >"$scratch/$name.log" 2>&1 ||
    { cat "$scratch/$name.log"; return 1; }
  cmake --build "$scratch/$name" --target consumer_test >>"$scratch/$name.log" 2>&1 ||
    { cat "$scratch/$name.log"; return 1; }
  "$scratch/$name/consumer_test" --gtest_brief=1
}

cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null
test -x "$scratch/prefix/bin/smtpfixture-server"

consume find_package -DSMTPFIXTURE_CONSUME=find_package \
  -DCMAKE_PREFIX_PATH="$scratch/prefix"

# An archive of the source tree as it is (tracked and new files, no build
# trees), fetched the way a release archive would be.
archive="$scratch/smtpfixture.tar.gz"
if [ "$(git -C "$source_dir" rev-parse --show-toplevel 2>/dev/null)" = "$source_dir" ]; then
  git -C "$source_dir" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$source_dir/$f" ] && printf '%s\0' "$f"; done |
    tar -C "$source_dir" --null -T - --transform 's|^|smtpfixture-src/|' -czf "$archive"
else
  tar -C "$(dirname "$source_dir")" --exclude='build*' --exclude=.git \
    --transform "s|^$(basename "$source_dir")|smtpfixture-src|" -czf "$archive" "$(basename "$source_dir")"
fi

# The three source builds compile the same library: give each the sources at
# the path FetchContent extracts to (<build>/_deps/smtpfixture-src), so that
# with ccache, paths taken relative to the scratch folder, the second and the
# third reuse the first one's objects.
export CCACHE_BASEDIR="$scratch"
unpack() { mkdir -p "$scratch/$1/_deps" && tar -C "$scratch/$1/_deps" -xzf "$archive"; }

consume fetchcontent_url -DSMTPFIXTURE_CONSUME=FetchContent \
  -DSMTPFIXTURE_URL="file://$archive"

unpack add_subdirectory
consume add_subdirectory -DSMTPFIXTURE_CONSUME=add_subdirectory \
  -DSMTPFIXTURE_SOURCE_DIR="$scratch/add_subdirectory/_deps/smtpfixture-src"

unpack fetchcontent_source_dir
consume fetchcontent_source_dir -DSMTPFIXTURE_CONSUME=FetchContent \
  -DSMTPFIXTURE_SOURCE_DIR="$scratch/fetchcontent_source_dir/_deps/smtpfixture-src"

# Without CMake: pkg-config and make, from outside the source tree.
step pkg-config
pc_file=$(find "$scratch/prefix" -name smtpfixture.pc)
pc_dir=$(dirname "$pc_file")
test -f "$pc_dir/smtpfixture-gtest.pc"
mkdir "$scratch/make"
PKG_CONFIG_PATH="$pc_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
  make -s -C "$scratch/make" -f "$here/make-consumer/Makefile" >/dev/null
"$scratch/make/consumer_test" --gtest_brief=1
step done
echo "install-and-consume: ok (find_package, add_subdirectory, FetchContent URL and SOURCE_DIR, pkg-config)"

#!/usr/bin/env bash
# Builds and runs the libFuzzer targets with clang (ASan, UBSan), apart from the project's build.
#
#   run.sh build DIR [CLANG++]      configure (once) and build every target in DIR
#   run.sh run DIR NAME [ARGS...]   fuzz target NAME; ARGS go to libFuzzer (-max_total_time=10,
#                                   -runs=10000000, ...)
#
# New inputs go to DIR/work/NAME, crashes to DIR/artifacts/: the committed corpus (corpus/NAME) is
# only read. A crash found is kept by copying its file into corpus/NAME (see README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command=${1:?build or run}
dir=${2:?build directory}
case "$command" in
build)
  clang=${3:-clang++}
  launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  if [ ! -f "$dir/build.ninja" ]; then
    # Debug: no _FORTIFY_SOURCE under the sanitizers; the targets add -O1 themselves.
    cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$clang" \
      "${launcher[@]}" >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)"
  ;;
run)
  name=${3:?target name}
  shift 3
  mkdir -p "$dir/work/$name" "$dir/artifacts"
  args=(-artifact_prefix="$dir/artifacts/$name-" -print_final_stats=1)
  [ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
  # Leaks are not what these targets look for, and Qt's and libphonenumber's singletons hold
  # memory on purpose. The targets allocate thousands of small strings an input: recording a stack
  # for each allocation, and a large quarantine, cost more than the code under test. A finding is
  # still caught; to see where its memory was allocated, run the input again with
  # ASAN_OPTIONS=detect_leaks=0 (see README.md).
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:malloc_context_size=0:quarantine_size_mb=16}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  exec "$dir/fuzz_$name" "${args[@]}" "$@" "$dir/work/$name" "$here/corpus/$name"
  ;;
*)
  echo "usage: run.sh build DIR [CLANG++] | run.sh run DIR NAME [LIBFUZZER ARGS]" >&2
  exit 2
  ;;
esac

#!/usr/bin/env bash
# Builds the native fuzz targets with libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer
# (clang, from Debian's `clang` package) and runs each for SECONDS (default 30), two at a time.
#   scripts/fuzz.sh [SECONDS]        corpora live in build/fuzz/corpus-<target>
#   scripts/fuzz.sh --build-only     builds the targets and runs nothing (`npm test` starts this in
#                                    the background so the fuzz test, which runs last, finds them built)
# The build holds a lock (build/fuzz/.build.lock): a run that starts while another builds waits for
# it and then finds the objects up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_ONLY=0
if [[ ${1:-} == --build-only ]]; then BUILD_ONLY=1; shift; fi
SECONDS_EACH=${1:-30}
CXX=${CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found; install Debian's clang" >&2; exit 2; }
OUT=build/fuzz
mkdir -p "$OUT"
# Stopped (a test's time limit, Ctrl-C): the compilers and fuzzers it started stop with it.
trap 'kill $(jobs -p) 2>/dev/null; exit 143' TERM INT
exec 9>"$OUT/.build.lock"
flock 9
TARGETS=(npy_header_fuzz task_decode_fuzz csv_fuzz table_view_fuzz text_fuzz jsonl_fuzz hdf5_chunk_fuzz zarr_chunk_fuzz)
# HDF5's headers and library (Debian's libhdf5-dev: the serial build lives in its own folder).
HDF5_CFLAGS=$(pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS=$(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
# Line tables only (what a sanitizer report's stack needs): 10-25% less compiling than -g.
FLAGS=(-std=c++17 -gline-tables-only -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -ffp-contract=off -fno-math-errno -fno-trapping-math -fsanitize=fuzzer-no-link $HDF5_CFLAGS)

objs=()
jobs_max=$(nproc)
compile() { # source, extra flags... (in the background, up to one job per core)
  local src=$1; shift
  local obj="$OUT/$(echo "$src" | tr '/' '_' | sed 's/\.cc$/.o/')"
  objs+=("$obj")
  # Rebuild when any native source or header is newer than the object (headers are shared).
  if [[ ! -f "$obj" ]] || [[ -n "$(find native -newer "$obj" -name '*.[ch]*' -print -quit)" ]]; then
    while (( $(jobs -rp | wc -l) >= jobs_max )); do wait -n; done
    "$CXX" "${FLAGS[@]}" "$@" -c "$src" -o "$obj" &
  fi
}
# The task kinds are globbed, as in CMakeLists.txt: tasks/registry.cc is the one list of them.
for src in native/store/chunk_store.cc native/store/chunk_memory.cc native/io/*.cc native/table/*.cc native/csv/*.cc \
           native/kernels/dispatch.cc native/kernels/program.cc native/kernels/program_check.cc \
           native/kernels/program_registry.cc native/kernels/evaluate.cc native/kernels/reduce_state.cc native/kernels/linalg.cc native/kernels/blas_gemm.cc native/kernels/fft.cc \
           native/tasks/*.cc native/tasks/kinds/*.cc native/parquet/*.cc native/text/*.cc native/json/*.cc native/hdf5/*.cc native/zarr/*.cc; do
  compile "$src"
done
# The block kernels at -O0 (the last -O wins): the fuzzers reach them only through decoded tasks,
# and these four files are the slowest to compile (8-10 s each at -O1, 3 s at -O0).
compile native/kernels/simd/ops_scalar.cc -fno-tree-vectorize -O0
compile native/kernels/simd/ops_sse2.cc -O0
compile native/kernels/simd/ops_avx2.cc -mavx2 -mfma -mbmi -mbmi2 -mpopcnt -O0
compile native/kernels/simd/ops_avx512.cc -mavx512f -mavx512dq -mavx512vl -mavx512bw -mavx2 -mfma -mbmi -mbmi2 -mpopcnt -O0
# Wait for every compile; stop if one failed.
for pid in $(jobs -rp); do wait "$pid"; done
for obj in "${objs[@]}"; do [[ -f "$obj" ]] || { echo "fuzz: failed to build $obj" >&2; exit 2; }; done

# Link each target whose binary is older than its source or any object (in the background, as above).
for target in "${TARGETS[@]}"; do
  bin="$OUT/$target"
  if [[ ! -f "$bin" ]] || [[ "native/fuzz/$target.cc" -nt "$bin" ]] || [[ -n "$(find "$OUT" -name '*.o' -newer "$bin" -print -quit)" ]]; then
    while (( $(jobs -rp | wc -l) >= jobs_max )); do wait -n; done
    { rm -f "$bin"; "$CXX" "${FLAGS[@]/-fsanitize=fuzzer-no-link/-fsanitize=fuzzer}" "native/fuzz/$target.cc" "${objs[@]}" -lz -lbz2 -lzstd -lsimdjson $HDF5_LIBS -ldeflate -lblosc -llapack -lblas -ldl -o "$bin"; } &
  fi
done
for pid in $(jobs -rp); do wait "$pid"; done
for target in "${TARGETS[@]}"; do [[ -f "$OUT/$target" ]] || { echo "fuzz: failed to link $target" >&2; exit 2; }; done
flock -u 9
(( BUILD_ONLY )) && { echo "fuzz: built ${#TARGETS[@]} targets"; exit 0; }

# Huge allocation requests must take the production path (null -> OUT_OF_MEMORY), not abort.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1}
fuzz_one() { # target: runs it for SECONDS_EACH; its log in $OUT/<target>.log, its exit status (not 0: a crash) in .status
  local target=$1 corpus="$OUT/corpus-$1" rc=0
  mkdir -p "$corpus"
  if [[ -d "native/fuzz/seeds/$target" ]]; then cp -n native/fuzz/seeds/$target/* "$corpus/" 2>/dev/null || true; fi
  "$OUT/$target" "$corpus" -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -artifact_prefix="$OUT/" -print_final_stats=1 2>"$OUT/$target.log" || rc=$?
  echo "$rc" >"$OUT/$target.status"
}
for target in "${TARGETS[@]}"; do
  while (( $(jobs -rp | wc -l) >= jobs_max )); do wait -n || true; done
  echo "fuzz: $target for ${SECONDS_EACH}s"
  rm -f "$OUT/$target.status"
  fuzz_one "$target" &
done
wait
status=0
for target in "${TARGETS[@]}"; do
  if [[ "$(cat "$OUT/$target.status" 2>/dev/null)" != 0 ]]; then
    status=1
    tail -40 "$OUT/$target.log" >&2
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$OUT/$target.log" | sed "s/^/fuzz: $target /"
  fi
done
exit $status

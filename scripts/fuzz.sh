#!/usr/bin/env bash
# Fuzzes the language with libFuzzer: every input goes through parse, evaluate, differentiate,
# autograd and every renderer (Sources/CalculusFuzzing). Usage: scripts/fuzz.sh [SECONDS] [JOBS]
# (default 60 s, 1 job). New inputs that reach new code go to out/fuzz/corpus; a crash (a Swift
# runtime trap: bounds, overflow, unwrap, precondition), a hang past the interrupt (-timeout) or an
# out-of-memory is written to out/fuzz/artifacts and the script fails. Copy such an input into
# fuzz/crashes/ once fixed: the tests replay that folder forever after.
#
# FUZZ_ASAN=1 adds AddressSanitizer and LeakSanitizer (for the little unsafe code, and leaks). It
# runs 3-4x slower and its allocator keeps what it frees (about 1 GB more resident per 25,000
# inputs here), so keep such runs to minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${2:-1}"

# libFuzzer's instrumentation, and lld (Debian's gold cannot link it): fuzz/toolset*.json.
if [ "${FUZZ_ASAN:-0}" = 1 ]; then build=.build/fuzz-asan toolset=fuzz/toolset-asan.json; else build=.build/fuzz toolset=fuzz/toolset.json; fi
swift build -c release --product calculus-fuzz --scratch-path "$build" --toolset "$toolset"
fuzzer="$build/release/calculus-fuzz"

mkdir -p out/fuzz/corpus out/fuzz/artifacts
# Start from what earlier long runs kept for new coverage (libFuzzer -merge=1 of their corpora).
if [ -z "$(ls -A out/fuzz/corpus)" ] && [ -f fuzz/found-corpus.tar.gz ]; then
    tar xzf fuzz/found-corpus.tar.gz -C out/fuzz/corpus
fi
log=out/fuzz/fuzz.log
echo "== fuzzing for ${seconds} s with ${jobs} job(s); log in ${log}"
status=0
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
# A smaller quarantine than ASan's 256 MB, and freed memory released, slow its growth.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:allocator_release_to_os_interval_ms=500}"
# The harness interrupts each cell after 0.5 s, so 10 s means a loop that ignores interrupts.
"$fuzzer" out/fuzz/corpus fuzz/corpus fuzz/crashes \
    -dict=fuzz/calculus.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=512 -print_final_stats=1 "${parallel[@]}" \
    -artifact_prefix=out/fuzz/artifacts/ >"$log" 2>&1 || status=$?
if [ "$jobs" -gt 1 ]; then cat fuzz-*.log >>"$log" 2>/dev/null || true; rm -f fuzz-*.log; fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$log" || true
if [ "$status" -ne 0 ] || ls out/fuzz/artifacts/* >/dev/null 2>&1; then
    echo "== the fuzzer found a problem (exit ${status}):"
    ls -la out/fuzz/artifacts/ || true
    grep -E "ERROR|==[0-9]+==|Fatal error|Precondition|SUMMARY" "$log" | head -20 || true
    exit 1
fi
echo "== no crash"

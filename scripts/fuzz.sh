#!/usr/bin/env bash
# Fuzzes the language with libFuzzer: every input goes through parse, evaluate, differentiate,
# autograd and every renderer (Sources/CalculusFuzzing). Usage: scripts/fuzz.sh [SECONDS] [JOBS]
# (default 60 s, 1 job). New inputs that reach new code go to out/fuzz/corpus; a crash, a hang
# past the interrupt (-timeout) or a leak is written to out/fuzz/ and the script fails. Copy a
# crash into fuzz/crashes/ once fixed: the tests replay that folder forever after.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${2:-1}"

# libFuzzer's instrumentation, AddressSanitizer, and lld (Debian's gold cannot link it).
swift build -c release --product calculus-fuzz --scratch-path .build/fuzz --toolset fuzz/toolset.json
fuzzer=.build/fuzz/release/calculus-fuzz

mkdir -p out/fuzz/corpus out/fuzz/artifacts
log=out/fuzz/fuzz.log
echo "== fuzzing for ${seconds} s with ${jobs} job(s); log in ${log}"
status=0
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
# AddressSanitizer keeps freed memory in quarantine (256 MB) and returns little to the system, so
# hours of inputs would climb to the RSS limit; a smaller quarantine and periodic release keep the
# resident size to what the inputs use. Leak detection stays on.
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

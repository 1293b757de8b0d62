#!/usr/bin/env bash
# Fuzzes remsim's loaders and importers with libFuzzer.
#
#   Fuzz/fuzz.sh [TARGET…] [-- libFuzzer options]      (default: every target, -runs=1000000)
#   Fuzz/fuzz.sh --smoke                                (CI: every target, 3,000 inputs, no corpus kept)
#
# Targets: scenario policy custodian fixture fixture-yaml fixture-cache aws-describe aws-config azure-resource-graph gcp-asset-inventory
# Seed corpora are made from Scenarios/, Fixtures/, the built-in policies, the importer samples and
# every input that once failed (Tests/LoadingTests/FuzzRegressions/TARGET); what the fuzzer adds
# goes to Fuzz/.corpus/TARGET, crashes, hangs and out-of-memory inputs to Fuzz/findings/TARGET
# (make each one a test: copy it to Tests/LoadingTests/FuzzRegressions/TARGET/). A run fails
# (non-zero exit) on the first finding.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd .. && pwd)"

smoke=0
targets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    if [ "$1" = "--smoke" ]; then smoke=1; else targets+=("$1"); fi
    shift
done
[ "${1:-}" = "--" ] && shift
options=("$@")
if [ ${#options[@]} -eq 0 ]; then
    if [ "$smoke" = 1 ]; then options=(-runs=3000); else options=(-runs=1000000); fi
fi
[ ${#targets[@]} -eq 0 ] && targets=(scenario policy custodian fixture fixture-yaml fixture-cache aws-describe aws-config azure-resource-graph gcp-asset-inventory)

if ! command -v swift >/dev/null 2>&1; then export PATH="/opt/swift/usr/bin:$PATH"; fi
swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2
binary="$(swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld --show-bin-path)/RemsimFuzz"

seed() {  # TARGET DIR: copy the repository's files of that kind into DIR
    local target="$1" dir="$2"
    mkdir -p "$dir"
    case "$target" in
        scenario) find "$root/Scenarios" -name '*.yaml' -exec cp {} "$dir/" \; ;;
        policy) find "$root/Sources/PolicyPack/Policies" -name '*.yaml' -exec cp --backup=numbered {} "$dir/" \; ;;
        custodian) find "$root/Fixtures/policies/custodian" "$root/Tests/ReplayTests/Custodian" -name '*.yml' \
            -exec cp --backup=numbered {} "$dir/" \; ;;
        fixture) cp "$root/Fuzz/seeds/fixture/"*.json "$dir/" ;;
        fixture-cache) printf '\x10\x00\x00\x01' > "$dir/one-flip" ;;
        fixture-yaml) find "$root/Fixtures" -name '*.yaml' -size -64k | while read -r f; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-12).yaml"; done ;;
        *) find "$root/Tests/LoadingTests/Samples/$target" -type f -exec cp {} "$dir/" \; ;;
    esac
    # What once failed is always in the corpus.
    if [ -d "$root/Tests/LoadingTests/FuzzRegressions/$target" ]; then
        find "$root/Tests/LoadingTests/FuzzRegressions/$target" -type f -exec cp {} "$dir/" \;
    fi
}

for target in "${targets[@]}"; do
    corpus=".corpus/$target" findings="findings/$target"
    # A smoke run starts from the seeds alone and keeps nothing.
    if [ "$smoke" = 1 ]; then corpus="$(mktemp -d)"; fi
    mkdir -p "$corpus" "$findings"
    seeds="$(mktemp -d)"
    seed "$target" "$seeds"
    echo "== $target ($(ls "$seeds" | wc -l) seeds)" >&2
    log="$(mktemp)"
    SWIFT_BACKTRACE=enable=no REMSIM_FUZZ_FIXTURES="$root/Fixtures" \
        REMSIM_FUZZ_VALUE_FILES="$root/Tests/ReplayTests/Custodian/data" \
        REMSIM_FUZZ_CACHE_SEED="$(ls "$root"/Fuzz/seeds/fixture/*.json | head -1)" "$binary" "$target" \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$findings/" -print_final_stats=1 \
        "${options[@]}" "$corpus" "$seeds" 2> >(tee "$log" >&2)
    rm -rf "$seeds"
    # A target that learns nothing from its seeds is refusing every input before it reaches the
    # code under test (a harness the loaders no longer accept): that is a failure too.
    added="$(sed -n 's/^stat::new_units_added: *//p' "$log")"
    rm -f "$log"
    if [ "${added:-0}" -eq 0 ]; then
        echo "error: $target: the fuzzer added nothing to the corpus; its inputs never reach the loader" >&2
        exit 1
    fi
    if [ "$smoke" = 1 ]; then rm -rf "$corpus"; fi
done

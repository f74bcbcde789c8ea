#!/usr/bin/env bash
# Training samples/s of the main job's model (configs/notes_family.yaml): the C++ library
# (build/bench/bench_train) beside the same model in PyTorch-Python (bench/train_python.py),
# on the same data, batch size, optimizer, steps and threads, printed side by side.
#
#   cmake --build build -j2 --target bench_train paradigms
#   bench/compare_train.sh                      # 2 threads, 200 steps after 20 warm-up steps
#   THREADS=1 STEPS=100 WARMUP=10 ROUNDS=3 bench/compare_train.sh
#   CPP_EXTRA=--channels-last PY_EXTRA=--tune-malloc OMP_WAIT_POLICY=passive \
#     bench/compare_train.sh
#
# Run from the repository root. Environment:
#   THREADS  intra-op threads of both programs (default 2)
#   STEPS    timed training steps of batch 64 (default 200)
#   WARMUP   untimed steps before them (default 20)
#   ROUNDS   alternating cpp/python runs (default 1); the table shows the best of each, which
#            is the figure least disturbed by other work on a shared machine
#   EXTRA    experiment flags given to both programs (default none: the library as the CLI
#            runs it, against plain PyTorch): --channels-last, --dropout P
#   CPP_EXTRA, PY_EXTRA  flags for one program only: CPP_EXTRA=--channels-last measures that
#            proposed library change against plain PyTorch, CPP_EXTRA=--default-malloc the
#            library without paradigms::keep_freed_memory(), PY_EXTRA=--tune-malloc gives
#            Python the same mallopt settings
#   PYTHON   interpreter with torch and numpy (default /usr/bin/python3, Debian's)
#   BUILD    build folder (default build)
#
# Data: data/notes/features.npy [N, 64, 63] (log-mel of the 1-s notes, manifest.csv order) is
# made by `paradigms data notes --out data/notes` when missing; data/notes/family.npy [N]
# int64 holds the `family` column of data/notes/manifest.csv. Both lines of JSON are kept in
# $BUILD/bench/compare_train.jsonl.

set -euo pipefail

THREADS=${THREADS:-2}
STEPS=${STEPS:-200}
WARMUP=${WARMUP:-20}
ROUNDS=${ROUNDS:-1}
EXTRA=${EXTRA:-}
CPP_EXTRA=${CPP_EXTRA:-}
PY_EXTRA=${PY_EXTRA:-}
PYTHON=${PYTHON:-/usr/bin/python3}
BUILD=${BUILD:-build}
DATA=data/notes

cd "$(dirname "$0")/.."
BENCH="$BUILD/bench/bench_train"
for binary in "$BENCH" "$BUILD/paradigms"; do
  if [[ ! -x "$binary" ]]; then
    echo "compare_train.sh: $binary is missing" \
      "(cmake --build $BUILD --target bench_train paradigms)" >&2
    exit 1
  fi
done

if [[ ! -f "$DATA/features.npy" ]]; then
  "$BUILD/paradigms" --threads "$THREADS" --log-level warn data notes --out "$DATA" >/dev/null
fi
if [[ ! -f "$DATA/family.npy" || "$DATA/manifest.csv" -nt "$DATA/family.npy" ]]; then
  "$PYTHON" - "$DATA/manifest.csv" "$DATA/family.npy" <<'EOF'
import csv
import sys

import numpy as np

manifest, out = sys.argv[1], sys.argv[2]
with open(manifest, newline="") as file:
    families = [int(row["family"]) for row in csv.DictReader(file)]
rows = np.load(manifest.rsplit("/", 1)[0] + "/features.npy", mmap_mode="r").shape[0]
if len(families) != rows:
    sys.exit(f"{manifest}: {len(families)} rows but features.npy has {rows} (re-run data notes)")
np.save(out, np.asarray(families, dtype=np.int64))
EOF
fi

args=(--features "$DATA/features.npy" --labels "$DATA/family.npy" --steps "$STEPS"
      --warmup "$WARMUP" --threads "$THREADS")
# shellcheck disable=SC2206  # EXTRA is a list of flags, split on purpose
args+=($EXTRA)
results="$BUILD/bench/compare_train.jsonl"
: >"$results"
for ((round = 1; round <= ROUNDS; ++round)); do
  # shellcheck disable=SC2086  # flag lists, split on purpose
  "$BENCH" "${args[@]}" $CPP_EXTRA | tee -a "$results"
  # shellcheck disable=SC2086
  "$PYTHON" bench/train_python.py "${args[@]}" $PY_EXTRA | tee -a "$results"
done

"$PYTHON" - "$results" "$EXTRA" "$CPP_EXTRA" "$PY_EXTRA" "${OMP_WAIT_POLICY:-unset}" <<'EOF'
import json
import sys

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
best = {}
for run in runs:
    if run["impl"] not in best or run["samples_per_s"] > best[run["impl"]]["samples_per_s"]:
        best[run["impl"]] = run
cpp, python = best["cpp"], best["python"]
rows = [
    ("samples/s", "samples_per_s", "{:.1f}"),
    ("samples/s (median step)", "median_samples_per_s", "{:.1f}"),
    ("median step, ms", "median_step_ms", "{:.1f}"),
    ("timed steps", "steps", "{}"),
    ("wall s", "seconds", "{:.2f}"),
    ("cpu s", "cpu_s", "{:.2f}"),
    ("page faults/step", "page_faults_per_step", "{:.0f}"),
    ("threads", "threads", "{}"),
    ("last loss", "last_loss", "{:.4f}"),
    ("torch", "torch", "{}"),
]
print()
print(f"{'':26}{'C++':>14}{'Python':>14}{'C++/Python':>12}")
for name, key, form in rows:
    ratio = ""
    if key in ("samples_per_s", "median_samples_per_s"):
        ratio = f"{cpp[key] / python[key]:.2f}x"
    elif key == "median_step_ms":
        ratio = f"{cpp[key] / python[key]:.2f}"
    print(f"{name:26}{form.format(cpp[key]):>14}{form.format(python[key]):>14}{ratio:>12}")
rounds = sum(run["impl"] == "cpp" for run in runs)
both, cpp_only, python_only, wait_policy = sys.argv[2:6]
print(f"(best of {rounds} round(s); flags: both: {both or 'none'}, C++: {cpp_only or 'none'}, "
      f"Python: {python_only or 'none'}; OMP_WAIT_POLICY={wait_policy})")
print("(target: C++ >= 1.3x Python)")
EOF

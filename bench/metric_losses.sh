#!/usr/bin/env bash
# Forward+backward time and peak memory of the metric losses at growing batch sizes, on
# random embeddings (D = 128, 32 classes), with 2 threads. Run from the repository root after
# building: bench/metric_losses.sh [repeats]. Prints one table: median ms / peak RSS MB.
set -euo pipefail

BIN=${PARADIGMS_BIN:-build/paradigms}
PYTHON=${PYTHON:-/usr/bin/python3}
REPEAT=${1:-5}
SIZES=${SIZES:-"256 1024 4096 8192"}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

for B in $SIZES; do
  "$PYTHON" - "$DIR" "$B" <<'PY'
import sys
import numpy as np
folder, b = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(b)
np.save(f"{folder}/emb{b}.npy", rng.standard_normal((b, 128)).astype(np.float32))
np.save(f"{folder}/lab{b}.npy", rng.integers(0, 32, b).astype(np.int64))
PY
done

ROWS=(
  "semihard+triplet|loss --loss triplet --miner semihard"
  "batch-hard+triplet|loss --loss triplet --miner batch-hard"
  "ntxent|loss --loss ntxent"
  "contrastive|loss --loss contrastive"
  "retrieval|retrieval"
)

cell() {  # $1 = JSON line: "median_ms / peak_rss_mb"
  "$PYTHON" -c 'import json, sys; d = json.loads(sys.argv[1])
print("%.1f / %.0f" % (d["median_ms"], d["peak_rss_mb"]))' "$1"
}

printf "%-20s" "B"
for B in $SIZES; do printf " | %16s" "$B"; done
printf "\n"
for row in "${ROWS[@]}"; do
  name=${row%%|*}
  args=${row#*|}
  line=$(printf "%-20s" "$name")
  for B in $SIZES; do
    if out=$("$BIN" --threads 2 --log-level warn $args --embeddings "$DIR/emb$B.npy" \
        --labels "$DIR/lab$B.npy" --repeat "$REPEAT" --json 2>/dev/null | tail -n 1) &&
        value=$(cell "$out" 2>/dev/null); then
      line+=$(printf " | %16s" "$value")
    else
      line+=$(printf " | %16s" "n/a")
    fi
  done
  echo "$line"
done
echo "(median ms of forward+backward / peak RSS MB of the process; n/a: the command failed)"

#!/usr/bin/env bash
# The figures: engine validation vs bare JSON parsing, page size, first
# render and keystroke-to-findings latency. Prints them; budgets that fail
# the build are checked in scripts/assemble.py.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if [ -f crates/ecekit-core/benches/engine.rs ]; then
  printf '\n\033[1mbench:\033[0m engine (release): validation time / bare serde_json parse time\n'
  cargo bench --quiet -p ecekit-core --bench engine
fi

printf '\n\033[1mbench:\033[0m page\n'
[ -f dist/web/index.html ] || bash scripts/build.sh
python3 - <<'PY'
import json
r = json.load(open("dist/size-report.json"))
for title, t in (("first load", r["total"]),
                 ("with every area opened (Validate worker, Connection module)", r["all_areas"])):
    print(f"page transfer, {title}: {t['gzip']:,} bytes as the shipped .gz files, "
          f"{t['gzip9']:,} with gzip -9 ({t['raw']:,} raw)")
print(f"budget for the first load: {r['budget_gzip']:,} bytes")
PY
node tests/perf/page.mjs

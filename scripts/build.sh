#!/usr/bin/env bash
# Builds every ecekit output:
#   target/release/ecekit       the CLI
#   dist/web/                   the static page (hashed JS/wasm/CSS)
#   dist/ecekit.html            the same app as one self-contained file (works from file://)
#   dist/extension/             the unpacked MV3 extension for Chromium (+ .zip)
#   dist/extension-firefox/     the Firefox variant (+ .zip)
# and prints the size report. Run scripts/setup.sh first (make does).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
. target/toolchain.env
export PATH="$PWD/node_modules/.bin:$PATH"

log() { printf '\033[1mbuild:\033[0m %s\n' "$*"; }
start=$(date +%s)

log "CLI and the precompress tool (native, release)"
cargo build --release --quiet -p ecekit-cli -p ecekit-precompress

log "web app (wasm32, release)"
wasm_build() {
  if [ -n "$WASM_BUILD_STD" ]; then
    PATH="/usr/bin:$PATH" RUSTC="$WASM_RUSTC" RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
      "$WASM_CARGO" "$@" "$WASM_BUILD_STD"
  else
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" "$WASM_CARGO" "$@"
  fi
}
# The app and the validator, then the crate again as the Connection area's
# module (a feature of the same crate: a separate cargo run, so the feature
# does not reach the app). Each cdylib is copied out before the next build.
built=target/web-wasm
rm -rf "$built" && mkdir -p "$built"
if [ "${PAGE_BUILD_STD:-}" = 1 ]; then
  # See scripts/setup.sh: std with the release profile, no panic locations,
  # panics that trap at once (no panic message formatting in the page, which
  # installs no panic hook, so a panic never printed one), and std's
  # smaller-code variants (its sort, for one).
  page_target=target/wasm-page
  page_build() {
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$page_target" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort" \
      /usr/bin/cargo build --release --quiet --target wasm32-unknown-unknown --lib \
      -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@"
  }
  wasm_dir="$page_target/wasm32-unknown-unknown/release"
else
  page_build() { wasm_build build --release --quiet --target wasm32-unknown-unknown --lib "$@"; }
  wasm_dir="$WASM_TARGET_DIR/wasm32-unknown-unknown/release"
fi
page_build -p ecekit-web -p ecekit-validator
cp "$wasm_dir/ecekit_web.wasm" "$wasm_dir/ecekit_validator.wasm" "$built/"
page_build -p ecekit-web --features connection-module
cp "$wasm_dir/ecekit_web.wasm" "$built/ecekit_connection.wasm"

out=target/web-bindgen
rm -rf "$out" && mkdir -p "$out"
# The app is an ES module; the validator runs in a classic worker script,
# so its glue is the no-modules kind (it defines `wasm_bindgen`). The
# Connection module's glue is a classic script too, which the page adds when
# the area opens (or inlines, in the single file): it defines `ecekitConnection`.
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ecekit "$built/ecekit_web.wasm"
wasm-bindgen --target no-modules --no-typescript --out-dir "$out" --out-name validator "$built/ecekit_validator.wasm"
wasm-bindgen --target no-modules --no-modules-global ecekitConnection --no-typescript --out-dir "$out" \
  --out-name connection "$built/ecekit_connection.wasm"

log "wasm-opt -Oz"
for name in ecekit validator connection; do
  # The features rustc enables for wasm32 by default; wasm-opt must accept them.
  # --low-memory-unused: Rust puts its stack first, so nothing lives below
  # address 1024 and wasm-opt may fold address arithmetic into offsets. A
  # second -Oz pass finds more once the first has inlined and merged (about
  # 2 KB gzip off the page together, measured).
  wasm-opt --low-memory-unused -Oz -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue --strip-debug --strip-producers \
    -o "$out/${name}_bg.opt.wasm" "$out/${name}_bg.wasm"
  mv "$out/${name}_bg.opt.wasm" "$out/${name}_bg.wasm"
done

log "assembling dist/"
python3 scripts/assemble.py "$out"

log "done in $(( $(date +%s) - start ))s"

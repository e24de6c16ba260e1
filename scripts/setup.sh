#!/usr/bin/env bash
# Installs what building and testing ecekit needs, skipping whatever is
# already there at the right version, and records how to build for wasm32 in
# target/toolchain.env (read by scripts/build.sh and scripts/test.sh).
#
# Two ways to get a wasm32 standard library (see TOOLCHAIN notes in README):
#  1. the active rustc already has it, or rustup can add it (an ordinary laptop);
#  2. Debian's rustc-web + rust-web-src, building std from source with
#     -Zbuild-std (machines that cannot reach the Rust distribution server).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! have apt-get; then
    log "please install: ${missing[*]} (no apt-get on this machine)"
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    $sudo apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

mkdir -p target
ENV_FILE=target/toolchain.env

# --- 1. Rust for wasm32 ------------------------------------------------------
sysroot_has_wasm() { [ -d "$("$1" --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]; }

# ECEKIT_WASM_MODE=build-std forces the Debian path (to test it on a machine that has both).
wasm_mode="${ECEKIT_WASM_MODE:-}"
if [ "$wasm_mode" = build-std ]; then
  apt_install rustc-web cargo-web rust-web-src lld-22
elif have rustc && sysroot_has_wasm rustc; then
  wasm_mode=native
elif have rustup && timeout 8 curl -sSfI https://static.rust-lang.org >/dev/null 2>&1 \
    && timeout 300 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
  wasm_mode=native
else
  log "wasm32 std not available from rustup here: using Debian's rustc-web with -Zbuild-std"
  apt_install rustc-web cargo-web rust-web-src lld-22
  wasm_mode=build-std
fi

if [ "$wasm_mode" = native ]; then
  cat >"$ENV_FILE" <<EOF
WASM_CARGO=cargo
WASM_RUSTC=rustc
WASM_BUILD_STD=
WASM_TARGET_DIR=target
EOF
else
  # A separate target dir keeps the two compilers from invalidating each other's builds.
  cat >"$ENV_FILE" <<EOF
WASM_CARGO=/usr/bin/cargo
WASM_RUSTC=/usr/bin/rustc
WASM_BUILD_STD=-Zbuild-std=std,panic_abort
WASM_TARGET_DIR=target/wasm-build-std
EOF
fi
log "wasm32 build: $wasm_mode ($(grep WASM_CARGO= "$ENV_FILE" | cut -d= -f2))"

# The page's release build rebuilds std from source with the release profile
# (opt-level "z"), without panic locations and with panics that trap at once
# (-Cpanic=immediate-abort): about 31 KB gzip less than the prebuilt std. It needs Debian's std source; elsewhere the build falls back.
if [ "$wasm_mode" = build-std ] || apt_install rustc-web cargo-web rust-web-src lld-22; then
  echo "PAGE_BUILD_STD=1" >>"$ENV_FILE"
  log "page release build: std from source, no panic locations"
else
  echo "PAGE_BUILD_STD=" >>"$ENV_FILE"
  log "page release build: prebuilt std (no Debian std source here)"
fi

# --- 2. wasm-bindgen CLI, pinned to Cargo.lock ------------------------------
wbg_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ]; then
  log "installing wasm-bindgen-cli $wbg_version (about 3 minutes)"
  # --locked first; if a locked dependency was yanked from the registry, resolve afresh.
  cargo install -q wasm-bindgen-cli --version "=$wbg_version" --locked 2>/dev/null \
    || cargo install -q wasm-bindgen-cli --version "=$wbg_version"
else
  log "wasm-bindgen $wbg_version present"
fi

# --- 3. Browser and driver for the wasm and end-to-end tests -----------------
if ! have chromium || ! have chromedriver; then
  apt_install chromium chromium-driver
else
  log "chromium present: $(chromium --version 2>/dev/null | head -1)"
fi

# --- 4. wasm-opt, esbuild and playwright-core from npm (versions in package-lock.json)
if ! have npm; then
  log "please install Node.js 18+ and npm"
  exit 1
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/playwright-core ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci (binaryen, esbuild, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
else
  log "npm packages present"
fi

log "ready"

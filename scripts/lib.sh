# Shared by the scripts: where things are, and installing what a fresh machine lacks.
# Every install step checks first, so a second run costs seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# The first-load budget, gzip bytes: what a browser fetches before the first screen is usable
# (scripts/measure-bundle.sh counts it; scripts/test.sh fails over it). The one place it is kept.
FIRST_LOAD_BUDGET=150000

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The wasm-bindgen CLI must equal the crate in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# Debian packages, with sudo when not root.
apt_install() {
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

# What the scripts themselves run: Node.js and npm (the build's CSS and message steps,
# Playwright), Python 3 with venv (Schemathesis, free ports), curl (seeding the fuzzer's data).
ensure_system_tools() {
  local missing=()
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    apt_install "${missing[@]}"
  fi
}

ensure_build_tools() {
  ensure_system_tools
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    say "adding rustfmt and clippy"
    rustup component add rustfmt clippy
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  local want; want="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    # Without --locked: the CLI's own lock file pins crates this toolchain cannot build.
    cargo install wasm-bindgen-cli --version "$want"
  fi
  ensure_npm_packages
}

ensure_npm_packages() {
  # Reinstall only when package-lock.json changed since the last install.
  local stamp="node_modules/.shouhou-lock"
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    say "installing npm packages (wasm-opt, Playwright, axe-core, the QR decoder for tests)"
    npm ci --no-audit --no-fund
    cp package-lock.json "$stamp"
  fi
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Chromium and ChromeDriver from Debian"
    apt_install chromium chromium-driver
  fi
}

# Schemathesis (PyPI), pinned, in its own virtualenv under the user's cache: the API fuzzer
# that scripts/schemathesis.sh runs against the OpenAPI document.
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV="$HOME/.cache/shouhou/schemathesis-$SCHEMATHESIS_VERSION"
ensure_schemathesis() {
  if [ ! -x "$SCHEMATHESIS_VENV/bin/schemathesis" ]; then
    say "installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV (once)"
    local python; python="$(command -v python3.11 || command -v python3)"
    rm -rf "$SCHEMATHESIS_VENV"
    "$python" -m venv "$SCHEMATHESIS_VENV"
    "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

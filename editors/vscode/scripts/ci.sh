#!/usr/bin/env bash
# The VS Code extension's whole pipeline, from a clean checkout:
#   npm ci -> typecheck -> esbuild bundle -> bundled Python server -> .vsix -> tests.
# Env: FZ_PYTHON  interpreter used to build the bundled server and to run it in the
#                 tests (default: python3; "python3" means "the PATH lookup the
#                 extension does with no settings").
#      FZ_CHROMIUM  browser for the webview test (default: /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export FZ_PYTHON="${FZ_PYTHON:-python3}"

started=$(date +%s)
step() { printf '\n==> %s  (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error

step "typecheck (tsc $(npx tsc --version | sed 's/Version //'))"
npx tsc --noEmit -p .

step "bundle (esbuild)"
node scripts/build.mjs

step "bundled server (FZ_PYTHON=$FZ_PYTHON)"
mkdir -p build
if ! bash scripts/build-server.sh > build/build-server.log 2>&1; then
    cat build/build-server.log >&2
    echo "build-server failed" >&2
    exit 1
fi
grep -v "^WARNING: Location '.*' is ignored" build/build-server.log || true

version="$(node -p "require('./package.json').version")"
name="$(node -p "require('./package.json').name")"
vsix="$name-$version.vsix"
step "package $vsix (vsce)"
rm -f ./*.vsix
npx vsce package --no-dependencies --allow-missing-repository --out "$vsix"
test -f "$vsix"
ls -l "$vsix"

step "tests (node --test test/)"
node --test test/

step "done"

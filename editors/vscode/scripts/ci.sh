#!/usr/bin/env bash
# The VS Code extension's whole pipeline, from a clean checkout:
#   npm ci -> typecheck -> .vsix (vscode:prepublish: esbuild bundle, bundled Python server) -> tests.
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

# `vsce package` runs the `vscode:prepublish` script first: the esbuild bundle and the
# bundled Python server (scripts/build.mjs, scripts/build-server.sh). So this is exactly
# what `npx vsce package` alone does in a clean checkout after `npm ci`.
version="$(node -p "require('./package.json').version")"
name="$(node -p "require('./package.json').name")"
vsix="$name-$version.vsix"
step "package $vsix (vsce; prepublish: bundle + bundled server with FZ_PYTHON=$FZ_PYTHON)"
rm -f ./*.vsix
npx vsce package --out "$vsix"
test -f "$vsix"
ls -l "$vsix"

step "tests (node --test test/)"
node --test test/

step "done"

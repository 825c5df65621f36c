#!/usr/bin/env bash
# Opt-in: the extension in real VS Code (code-server 4.100.3 = VS Code 1.100.3), driven by
# headless Chromium (test-code-server/). Not part of scripts/ci.sh or `dev.sh test`.
#   1. installs code-server (scripts/install-code-server.sh; ~5 minutes the first time)
#   2. builds the .vsix the way a user would: a copy of the checkout (tracked and new
#      files, none of the build output), `npm ci`, `npx vsce package` and nothing else
#   3. runs node --test test-code-server/
# Env: FZ_VSIX     use this .vsix instead of building one
#      FZ_PYTHON   interpreter that builds and runs the bundled server (default python3)
#      FZ_CHROMIUM browser (default /usr/bin/chromium)
#      CS_DIR      where code-server is installed (default ~/.cache/fz-code-server)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
started=$(date +%s)
step() { printf '\n==> %s  (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

if [ ! -d "$here/node_modules/puppeteer-core" ]; then
    step "npm ci (the test's own dependencies: puppeteer-core)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

step "code-server"
entry="$(bash "$here/scripts/install-code-server.sh" | tail -n1)"
echo "code-server $(node "$entry" --version | head -n1) at $entry"

if [ -z "${FZ_VSIX:-}" ]; then
    work="$(mktemp -d "${TMPDIR:-/tmp}/fz-vsix-build-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    step "clean copy of the checkout in $work"
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard -- . ':!editors/nvim' \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | xargs -0 cp --parents -t "$work")
    cd "$work/editors/vscode"
    step "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    step "npx vsce package (vscode:prepublish builds the bundle and the bundled server)"
    npx vsce package --out "$work/fz-lsp.vsix"
    export FZ_VSIX="$work/fz-lsp.vsix"
    cd "$here"
fi
ls -l "$FZ_VSIX"

step "node --test test-code-server/"
CS_ENTRY="$entry" node --test --test-concurrency=1 test-code-server/
step "done"

#!/usr/bin/env bash
# Install real VS Code for the opt-in end-to-end suite: code-server 4.100.3 (= VS Code
# 1.100.3, the last line that runs on Node 20) from the npm registry, with its native
# modules built here and Debian's ripgrep in place of the binary its postinstall would
# download. Idempotent (a finished install is reused); prints the path of entry.js last.
#   CS_DIR   where to install (default: ~/.cache/fz-code-server)
# Needs Node 20, npm, a C/C++ toolchain and the -dev packages listed below (installed with
# apt-get when missing and running as root). The first run takes about 5 minutes.
#
# code-server's own postinstall cannot run here (as root it insists on npm's old
# `unsafe-perm`, which npm 11 no longer passes on), so scripts are off and this does its
# steps by hand: argon2's prebuilt binding, lib/vscode's production dependencies, their
# native modules (node-gyp), the node_modules.asar link and the remote-cli/helper links.
set -euo pipefail
VERSION=4.100.3
CS=${CS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fz-code-server}
ENTRY=$CS/node_modules/code-server/out/node/entry.js

if [ -f "$CS/.complete" ] && [ "$(cat "$CS/.complete")" = "$VERSION" ] && node "$ENTRY" --version >/dev/null 2>&1; then
    echo "$ENTRY"
    exit 0
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 20 ]; then
    echo "install-code-server: code-server $VERSION needs Node 20 (this is Node $(node --version))" >&2
    exit 1
fi

deps=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential ripgrep)
missing=()
for d in "${deps[@]}"; do dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d"); done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "install-code-server: missing packages: ${missing[*]} (apt-get install them, then run again)" >&2
        exit 1
    fi
    echo "install-code-server: apt-get install ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

echo "install-code-server: installing code-server $VERSION into $CS (log: $CS/install.log)" >&2
rm -rf "$CS"
mkdir -p "$CS"
cd "$CS"
log="$CS/install.log"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact "code-server@$VERSION" >"$log" 2>&1
# the one top-level dependency with an install step (prebuilt binary, else node-gyp)
npm rebuild argon2 >>"$log" 2>&1

cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --no-audit --no-fund >>"$log" 2>&1
failed=()
for m in node_modules/*/ node_modules/@*/*/; do
    [ -f "$m/binding.gyp" ] || continue
    (cd "$m" && npx --yes node-gyp rebuild >>"$log" 2>&1) || failed+=("$m")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "install-code-server: warning: native build failed for ${failed[*]} (see $log)" >&2
fi
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
rm -rf node_modules.asar
ln -s node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
if [ -d extensions ]; then
    (cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund >>"$log" 2>&1)
fi

node "$ENTRY" --version >/dev/null
echo "$VERSION" >"$CS/.complete"
echo "$ENTRY"

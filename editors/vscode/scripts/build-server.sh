#!/usr/bin/env bash
# Build the language server that ships inside the extension:
#   bundled/libs/  <- the fz-lsp wheel (built from the repository at ../..) plus its
#                     pure-Python dependencies, resolved for Python 3.10 so that the
#                     same folder works on 3.10 .. 3.13+ (exceptiongroup etc. included)
#   bundled/tool/server.py is committed; it puts bundled/libs first on sys.path.
# Uses the interpreter in $FZ_PYTHON (default: python3) only to run pip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
py="${FZ_PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore
libs="$here/bundled/libs"
wheeldir="$here/build/wheel"

# pip, without this machine's "Location ... is ignored" notes about extra index folders
pip() {
    local status
    "$py" -m pip "$@" 2>&1 | { grep -v "^WARNING: Location '.*' is ignored" || true; }
    status=${PIPESTATUS[0]}
    return "$status"
}

echo "build-server: python = $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
rm -rf "$libs" "$wheeldir"
mkdir -p "$libs" "$wheeldir"

# 1. The fz-lsp wheel (hatchling; the grammar is force-included as fz_lsp/syntax/flowzap.lark).
src="$repo"
if [ ! -f "$repo/README.md" ]; then
    # pyproject.toml names README.md as the readme; while the repository has none yet,
    # build from a staged copy of the package with a placeholder so the wheel can be made.
    echo "build-server: WARNING: $repo/README.md is missing; building from a staged copy" >&2
    src="$here/build/stage"
    rm -rf "$src" && mkdir -p "$src"
    cp -r "$repo/pyproject.toml" "$repo/fz_lsp" "$repo/grammar" "$src/"
    echo "# fz-lsp" > "$src/README.md"
fi
pip wheel --quiet --disable-pip-version-check --no-deps -w "$wheeldir" "$src"
wheel="$(ls "$wheeldir"/fz_lsp-*.whl | head -n1)"
echo "build-server: wheel = $(basename "$wheel")"

# 2. Install it with its dependencies into bundled/libs: wheels only, pure Python only,
#    no bytecode, resolved for the oldest supported Python, versions pinned.
pip install --quiet --disable-pip-version-check --no-compile \
    --only-binary=:all: --implementation py --python-version 3.10 --abi none \
    --platform any --target "$libs" \
    -c "$here/scripts/bundle-constraints.txt" "$wheel" exceptiongroup
# (pip evaluates environment markers against the running interpreter, not --python-version,
#  so cattrs' `exceptiongroup; python_version < "3.11"` is named explicitly above.)

# 3. Drop what the extension never needs.
rm -rf "$libs/bin"
find "$libs" -name '__pycache__' -type d -prune -exec rm -rf {} +
find "$libs" \( -name '*.pyc' -o -name '*.pyo' \) -delete
test -f "$libs/fz_lsp/syntax/flowzap.lark" || { echo "build-server: fz_lsp/syntax/flowzap.lark missing from the wheel" >&2; exit 1; }

echo "build-server: bundled/libs ="
(cd "$libs" && ls -d *.dist-info | sed 's/\.dist-info$//; s/^/  /')
du -sh "$libs" | sed 's/^/build-server: size /'

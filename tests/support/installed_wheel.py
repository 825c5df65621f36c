"""fz-lsp's wheel, built from this checkout and installed alone in a fresh venv, as a user
gets it from `pip install`: what the `installed_wheel` fixture (conftest.py) builds once per
test session for the tests that run the installed package outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

from support.paths import ROOT


@dataclass(frozen=True)
class InstalledWheel:
    wheel: Path  # the fz_lsp-*.whl `pip wheel` built
    names: list[str]  # the files the wheel holds
    site: Path  # the venv's site-packages, where the wheel is unpacked
    python: Path  # the venv's interpreter


def install_wheel(folder: Path) -> InstalledWheel:
    """Build the wheel into `folder`/wheels (hatchling, through `pip wheel`) and install it into
    a fresh venv at `folder`/venv without pip: the dependencies (lark, lsprotocol, pygls) are
    this interpreter's, reached through a .pth, and only the wheel itself is unpacked."""
    wheels = folder / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("fz_lsp-*.whl")
    env_dir = folder / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    import lark
    import lsprotocol
    import pygls

    deps = {str(Path(m.__file__).resolve().parents[1]) for m in (lark, lsprotocol, pygls)}
    (site / "deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    return InstalledWheel(wheel=wheel, names=names, site=site, python=env_dir / "bin" / "python")

"""The Quarto route: `quarto render` of the executed project, never re-executing it.

Quarto writes into the project's own output folder (`project: output-dir:` of
`_quarto.yml`); the files are then moved into the book folder being staged. Any failure
is one BuildError carrying Quarto's own message, raised before anything is published.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from analysis.config import PROJECT_ROOT
from analysis.errors import BuildError
from analysis.pipeline.render_fallback import PDF_NAME, RENDERING_DIR

QUARTO_FORMAT = {"html": "html", "pdf": "typst"}


def render(
    project_dir: Path, out_dir: Path, formats: tuple[str, ...], metadata: dict[str, str]
) -> list[Path]:
    """Render `formats` of the project with Quarto into `out_dir`; return the files written."""
    config = yaml.safe_load((project_dir / "_quarto.yml").read_text(encoding="utf-8"))
    _copy_support_files(project_dir, config)
    quarto_out = project_dir / ((config.get("project") or {}).get("output-dir") or "_book")
    shutil.rmtree(quarto_out, ignore_errors=True)
    # One run renders every format `_quarto.yml` lists; a second run would clean the first's.
    _run(project_dir, QUARTO_FORMAT[formats[0]] if len(formats) == 1 else None, metadata)
    expected = {"html": quarto_out / "index.html", "pdf": quarto_out / PDF_NAME}
    missing = [expected[f].name for f in formats if not expected[f].exists()]
    if missing:
        raise BuildError(
            f"render (quarto) finished but did not write {', '.join(missing)} "
            f"in {project_dir}; the published report is unchanged"
        )
    written = []
    for path in sorted(p for p in quarto_out.rglob("*") if p.is_file()):
        target = out_dir / path.relative_to(quarto_out)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        written.append(target)
    return written


def _run(project_dir: Path, to: str | None, metadata: dict[str, str]) -> None:
    command = ["quarto", "render", ".", "--no-execute", *(["--to", to] if to else [])]
    for key, value in metadata.items():
        if isinstance(value, str):
            command += ["--metadata", f"{key}:{value}"]
    try:
        done = subprocess.run(command, cwd=project_dir, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"render (quarto) could not start: {exc}") from exc
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip())[-2000:] or "(no message)"
        raise BuildError(
            f"render (quarto render --to {to or 'all formats'}) failed with exit code "
            f"{done.returncode}; "
            f"the published report is unchanged. Quarto said:\n{said}"
        )


def _copy_support_files(project_dir: Path, config: dict) -> None:
    """Filters, bibliography and citation style named in `_quarto.yml`, beside the notebooks."""
    named = [f for f in config.get("filters") or [] if isinstance(f, str)]
    for key in ("bibliography", "csl"):
        value = config.get(key)
        named += value if isinstance(value, list) else [value] if value else []
    for name in named:
        source, target = PROJECT_ROOT / name, project_dir / name
        if not target.exists() and source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for lua in RENDERING_DIR.glob("*.lua"):  # the filters `_quarto.yml` names live here
        target = project_dir / "analysis" / "rendering" / lua.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(lua, target)

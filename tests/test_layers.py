"""The package's stages import downwards only (the layers contract in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from analysis.config import PROJECT_ROOT


def test_no_stage_imports_a_stage_above_it():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports)], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout

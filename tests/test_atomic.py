"""Atomic work: `new` interrupted at any point never leaves a partial project.

The signals land at points observed on disk (no wall-clock sleeps, which under load all fired
before `new` had even started rendering): right after start, once the staging folder exists,
once files are rendered into it, once its git repository exists, and once the project is in
place. Every signal (SIGINT, SIGTERM, SIGKILL) is sent at every point.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import git

STAGING = ".mlgolden-new-"


def _complete(project: Path) -> bool:
    return (
        (project / ".mlgolden.yml").is_file()
        and git(project, "rev-list", "--count", "HEAD").strip() == "1"
        and git(project, "status", "--porcelain") == ""
    )


def _staging(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(STAGING)]


# Each point: a predicate on the output folder, true once `new` got there.
POINTS = {
    "start": lambda out: True,
    "staging": lambda out: bool(_staging(out)),
    "rendered": lambda out: any(any(s.rglob("*.py")) for s in _staging(out)),
    "git": lambda out: any(any(s.glob("*/.git")) for s in _staging(out)),
    "in-place": lambda out: (out / "churn-model").is_dir(),
}


def _wait_for(point: str, out: Path, proc: subprocess.Popen) -> bool:
    """Poll until ``new`` reached ``point``; False when it finished before it was seen."""
    while proc.poll() is None:
        try:
            if POINTS[point](out):
                return True
        except FileNotFoundError:  # a folder went away while it was walked: look again
            pass
        time.sleep(0.002)
    return False


@pytest.mark.parametrize(
    ("point", "sig"),
    list(itertools.product(POINTS, [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])),
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_new_interrupted_at_any_point_never_leaves_a_partial_project(tmp_path, point, sig):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlgolden",
            "new",
            "--no-input",
            "--pattern",
            "live-service",
            "--output-dir",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    seen = _wait_for(point, out, proc)
    if proc.poll() is None:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    entries = sorted(p.name for p in out.iterdir())
    project = out / "churn-model"
    if "churn-model" in entries:
        assert _complete(project), f"{point} ({sig.name}): partial project"
    if point == "start":
        assert "churn-model" not in entries  # interrupted long before the render
    if point == "in-place" and seen:
        assert _complete(project)  # in place means finished: a late signal takes nothing away
    staging = [e for e in entries if e.startswith(STAGING)]
    if sig != signal.SIGKILL:
        assert not staging, f"{point} ({sig.name}): staging left behind"
        if proc.returncode == 130:
            assert err.startswith(b"error: interrupted") and len(err.splitlines()) == 1, err
        elif proc.returncode != 0:  # before mlgolden installed its handlers, or after its work
            # A SIGINT while the interpreter itself starts (importing `site`) is Python's own
            # "Fatal Python error: init_import_site", exit 1, before any mlgolden code ran.
            at_start_up = proc.returncode == 1 and b"init_import_site" in err and not entries
            assert proc.returncode in (-sig, 130) or at_start_up, (proc.returncode, err, entries)
    elif staging:
        assert point in ("staging", "rendered", "git"), (point, staging)
        # the next run removes what a killed run left behind
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mlgolden",
                "new",
                "--no-input",
                "--name",
                "other-model",
                "--output-dir",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        assert not _staging(out)
    if sig == signal.SIGKILL and point in ("staging", "rendered", "git") and seen:
        assert staging or "churn-model" in entries  # killed mid-way: its staging stays until the next run

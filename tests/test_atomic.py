"""Atomic work: `new` interrupted at random points never leaves a partial project."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import git


def _complete(project: Path) -> bool:
    return (
        (project / ".mlgolden.yml").is_file()
        and git(project, "rev-list", "--count", "HEAD").strip() == "1"
        and git(project, "status", "--porcelain") == ""
    )


def test_new_interrupted_at_random_points_never_leaves_a_partial_project(tmp_path):
    rng = random.Random(11)
    seen = {"nothing": 0, "complete": 0, "staging-left": 0}
    for trial in range(24):
        out = tmp_path / f"t{trial}"
        out.mkdir()
        sig = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL][trial % 3]
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
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        entries = sorted(p.name for p in out.iterdir())
        project = out / "churn-model"
        if "churn-model" in entries:
            assert _complete(project), f"trial {trial} ({sig.name}): partial project"
            seen["complete"] += 1
        else:
            seen["nothing"] += 1
        staging = [e for e in entries if e.startswith(".mlgolden-new-")]
        if sig != signal.SIGKILL:
            assert not staging, f"trial {trial} ({sig.name}): staging left behind"
            if proc.returncode == 130:
                assert err.startswith(b"error: interrupted") and len(err.splitlines()) == 1, err
            elif proc.returncode != 0:  # before mlgolden installed its handlers, or after its work
                # A SIGINT while the interpreter itself starts (importing `site`) is Python's own
                # "Fatal Python error: init_import_site", exit 1, before any mlgolden code ran.
                at_start_up = proc.returncode == 1 and b"init_import_site" in err and not entries
                assert proc.returncode in (-sig, 130) or at_start_up, (proc.returncode, err, entries)
        elif staging:
            seen["staging-left"] += 1
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
            assert not [p for p in out.iterdir() if p.name.startswith(".mlgolden-new-")]
    assert seen["nothing"] and seen["complete"], seen  # signals landed both early and late

"""Shared helpers for the hand-run benchmarks in this folder (not part of the test suite).

- timing: every command runs as its own process; one warm-up run, then the median of N runs
  (wall clock), with the peak RSS of the process tree (``os.wait4``: the largest single process,
  children included; optionally also a sampled *sum* over the tree);
- tools in their own virtualenvs under ``~/.cache/mlgolden-bench`` (``$MLGOLDEN_BENCH_CACHE``):
  ``peers`` (copier, cruft, cookiecutter pinned below) and ``mlgolden`` (this checkout, editable),
  so that neither the project's environment nor the system interpreter's ``.pth`` files (which
  import modules at every start-up on some machines) skew the comparison;
- fixtures: a catalog git repo made from the built-in catalog (tags v1.0.0 and v2.0.0 with one
  template change), the same template content as a plain cookiecutter template and as a copier
  template (each a git repo with the same two tags), projects, big repos, long histories.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("MLGOLDEN_BENCH_CACHE") or Path.home() / ".cache" / "mlgolden-bench")
PEERS = {"cookiecutter": "2.7.1", "cruft": "2.16.0", "copier": "9.19.1"}
PATTERN = "batch-prediction"
V1, V2 = "v1.0.0", "v2.0.0"
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@localhost",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@localhost",
}


# --- timing ----------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    times: list[float] = field(default_factory=list)
    max_rss_kb: int = 0  # largest single process of the tree (wait4)
    tree_rss_kb: int = 0  # sampled peak of the summed RSS of the tree (when asked for)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def line(self) -> str:
        runs = ", ".join(f"{t:.2f}" for t in self.times)
        mem = f"  max RSS {self.max_rss_kb / 1024:.0f} MB" if self.max_rss_kb else ""
        if self.tree_rss_kb:
            mem += f" (tree sum {self.tree_rss_kb / 1024:.0f} MB)"
        return f"{self.label:<44} median {self.median:6.2f} s  [{runs}]{mem}"


def _tree_rss_kb(pid: int) -> int:
    """Summed VmRSS of ``pid`` and its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):  # children of every thread (fleets)
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            pass
    return total


def run_once(cmd: list[str], *, cwd=None, env=None, sample_tree: bool = False) -> tuple[float, int, int]:
    """Run ``cmd``; (seconds, max RSS KB of the largest process, sampled tree-sum peak KB)."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        peak, done = [0], threading.Event()
        if sample_tree:

            def sample():
                while not done.is_set():
                    peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                    done.wait(0.005)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        if proc.returncode != 0:
            log.seek(0)
            raise RuntimeError(
                f"{' '.join(map(str, cmd))} exited {proc.returncode} in {cwd}:\n"
                + log.read().decode(errors="replace")[-3000:]
            )
    return elapsed, usage.ru_maxrss, peak[0]


def measure(
    label: str,
    cmd: list[str],
    *,
    cwd=None,
    env=None,
    setup=None,
    check=None,
    warmup: int = 1,
    repeat: int = 5,
    sample_tree: bool = False,
) -> Result:
    """Warm-up run(s), then ``repeat`` timed runs; ``setup()`` (untimed) runs before each and
    ``check()`` (untimed) after each: it raises when the command did not do its job."""
    result = Result(label)
    for i in range(warmup + repeat):
        if setup is not None:
            setup()
        elapsed, rss, tree = run_once(cmd, cwd=cwd, env=env, sample_tree=sample_tree)
        if check is not None:
            check()
        if i >= warmup:
            result.times.append(elapsed)
            result.max_rss_kb = max(result.max_rss_kb, rss)
            result.tree_rss_kb = max(result.tree_rss_kb, tree)
    print(result.line(), flush=True)
    return result


def common_args(parser, repeat: int = 5) -> None:
    parser.add_argument("--repeat", type=int, default=repeat, help="timed runs after the warm-up")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 repeats, small sizes")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (printed)")


def repeats(args) -> int:
    return 2 if args.quick else args.repeat


# --- tools -----------------------------------------------------------------------------------


def _venv(name: str, requirements: list[str]) -> Path:
    venv = CACHE / name
    stamp = venv / "bench-requirements.txt"
    wanted = "\n".join(requirements)
    if not (stamp.is_file() and stamp.read_text() == wanted):
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", *requirements], check=True)
        stamp.write_text(wanted)
    return venv / "bin"


def peers_bin() -> Path:
    """copier, cruft and cookiecutter (pinned) in their own virtualenv."""
    return _venv("peers", [f"{name}=={version}" for name, version in PEERS.items()])


def mlgolden_src() -> Path:
    """The mlgolden source to benchmark: this checkout, or $MLGOLDEN_BENCH_SRC (e.g. an older
    version unpacked with `git archive COMMIT | tar -x -C DIR`, for before/after numbers)."""
    return Path(os.environ.get("MLGOLDEN_BENCH_SRC") or ROOT).resolve()


def mlgolden_bin() -> Path:
    """mlgolden installed editable in its own virtualenv (so fixes apply at once)."""
    src = mlgolden_src()
    return _venv("mlgolden" if src == ROOT else f"mlgolden-{src.name}", ["-e", str(src)])


def tool_env(ext_dir: Path | None = None) -> dict[str, str]:
    """A clean environment: fixed git identity, no user git config; the peers' Jinja filters."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(IDENTITY, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C.UTF-8")
    if ext_dir is not None:
        env["PYTHONPATH"] = str(ext_dir)
    return env


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line)
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.split()[-1]
    return (
        f"{time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} CPUs ({cpu}) · "
        f"{platform.platform(terse=True)} · Python {platform.python_version()} · git {git} · "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def versions() -> str:
    out = subprocess.run(
        [
            mlgolden_bin() / "python",
            "-c",
            "import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
            "('mlgolden', 'typer', 'cookiecutter', 'pydantic')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    peers = ", ".join(f"{n} {v}" for n, v in PEERS.items())
    return f"mlgolden from {mlgolden_src()}: {out}; peers: {peers}"


def header(title: str) -> None:
    print(f"## {title}\n{machine()}\n{versions()}", flush=True)


@contextlib.contextmanager
def workdir(prefix: str, *, keep: bool = False):
    """A temp dir for one benchmark run; removed afterwards unless ``keep`` (--keep) is given."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        print(f"kept {tmp}") if keep else shutil.rmtree(tmp, ignore_errors=True)


# --- git helpers -----------------------------------------------------------------------------


def git(cwd: Path, *args: str, env: dict | None = None, input: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, input=input, env={**tool_env(), **(env or {})}
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {done.stderr.decode()[-500:]}")
    return done.stdout.decode()


def git_save(repo: Path, message: str, tag: str | None = None) -> None:
    if not (repo / ".git").exists():
        git(repo, "init", "-q", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    if tag:
        git(repo, "tag", tag)


# --- the template change and the team's edits (the same for every tool) ------------------------

SLUG_DIR = "{{cookiecutter.project_slug}}"
V2_CHANGE = {  # component -> (file in the component's project dir, text appended)
    "docker": (
        "Dockerfile",
        '\nLABEL org.opencontainers.image.version="{{ cookiecutter.template_version }}"\n',
    ),
    "base": ("Makefile", "\nlint: ## Lint the code\n\t$(BIN)/ruff check src tests\n"),
}
V2_NEW_FILE = ("base", "SECURITY.md", "# Security\n\nReport problems to {{ cookiecutter.owner_team }}.\n")


def apply_v2_change(catalog: Path) -> None:
    """The platform team's v1 → v2 change: two files changed, one added, version bumped."""
    for component, (name, text) in V2_CHANGE.items():
        path = catalog / "templates" / component / SLUG_DIR / name
        path.write_text(path.read_text() + text)
    component, name, text = V2_NEW_FILE
    (catalog / "templates" / component / SLUG_DIR / name).write_text(text)
    spec = catalog / "catalog.yml"  # (a git catalog's tags name its versions; this is for copies)
    spec.write_text(re.sub(r"(?m)^version: .*$", "version: 2.0.0", spec.read_text()))


def team_edits(project: Path) -> None:
    """What a team did after generation: edit the README's top, add a module; committed."""
    readme = project / "README.md"
    first, rest = readme.read_text().split("\n", 1)
    readme.write_text(f"{first}\n\n> Owned by the churn squad; ask in #ml-churn.\n{rest}")
    pkg = next((project / "src").iterdir())
    (pkg / "extra_features.py").write_text("def ratio(a, b):\n    return a / b if b else 0.0\n")
    git(project, "add", "--all")
    git(project, "commit", "-q", "-m", "team edits")


# --- fixtures: catalog and peer templates ------------------------------------------------------


def build_catalog(dest: Path) -> Path:
    """A git catalog: the built-in catalog as v1.0.0, plus the template change as v2.0.0."""
    from mlgolden.catalog import builtin_root

    root = builtin_root()
    dest.mkdir(parents=True)
    for name in ("catalog.yml", "platform.yml"):
        shutil.copy2(root / name, dest / name)
    for name in ("patterns", "templates"):
        shutil.copytree(root / name, dest / name)
    git_save(dest, "catalog 1.0.0", V1)
    apply_v2_change(dest)
    git_save(dest, "catalog 2.0.0", V2)
    return dest


def _context(catalog_repo: Path, tag: str, tree: Path) -> tuple[dict, list[str]]:
    """mlgolden's own rendering context for the pattern's default answers at ``tag``; the
    pattern's components copied over each other into ``tree``, in order, as mlgolden renders them."""
    from mlgolden.answers import collect, questions_for
    from mlgolden.catalog import open_catalog
    from mlgolden.platform import load_platform
    from mlgolden.render import build_context

    with open_catalog(str(catalog_repo), tag) as catalog:
        pattern = catalog.pattern(PATTERN)
        platform_ = load_platform(catalog.platform_defaults())
        questions = questions_for(catalog.spec.questions, pattern, platform_)
        answers = collect(questions, [])
        context = build_context(catalog, pattern, questions, answers, platform_)["cookiecutter"]
        for component in pattern.components:
            shutil.copytree(catalog.template_dir(component) / SLUG_DIR, tree, dirs_exist_ok=True)
    context["_extensions"] = ["golden_ext.GoldenExtension"]
    return context, list(pattern.components)


def write_peer_templates(catalog_repo: Path, tag: str, cc_dir: Path, copier_dir: Path) -> None:
    """The same files as a plain cookiecutter template and as a copier template.

    The context is mlgolden's (answers, derived values, platform settings) as defaults. Both need
    mlgolden's escaping filters: ``golden_ext`` on PYTHONPATH (see :func:`ext_dir`).
    """
    context, components = _context(catalog_repo, tag, cc_dir / SLUG_DIR)
    cc = dict(context)
    # a top-level list would be a cookiecutter choice; the templates only use `in` and `for`
    cc["components"] = dict.fromkeys(components, True)
    (cc_dir / "cookiecutter.json").write_text(json.dumps(cc, indent=2) + "\n")
    shutil.copytree(cc_dir / SLUG_DIR, copier_dir / "template")
    extensions = context.pop("_extensions")
    context["components"] = cc["components"]
    copier = {
        "_subdirectory": "template",
        "_templates_suffix": "",  # every file is a template (binary files are copied as they are)
        "_jinja_extensions": extensions,
        # one question holding mlgolden's context, so the files are byte for byte the same;
        # not stored in the answers file: like mlgolden, each version recomputes it
        "cookiecutter": {"type": "yaml", "default": context, "when": False},
    }
    (copier_dir / "copier.yml").write_text(json.dumps(copier, indent=2) + "\n")
    (copier_dir / "template" / "{{ _copier_conf.answers_file }}").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )


def ext_dir(tmp: Path) -> Path:
    """A folder with ``golden_ext.py`` (mlgolden's Jinja filters) for the peers' PYTHONPATH."""
    folder = tmp / "ext"
    folder.mkdir(exist_ok=True)
    shutil.copy2(ROOT / "mlgolden" / "jinja_ext.py", folder / "golden_ext.py")
    return folder


@dataclass
class Fixture:
    tmp: Path
    catalog: Path  # git repo, tags v1.0.0 / v2.0.0
    cookiecutter: Path  # git repo, same tags
    copier: Path  # git repo, same tags
    ext: Path


def build_fixture(tmp: Path) -> Fixture:
    catalog = build_catalog(tmp / "catalog")
    cc, cp = tmp / "cookiecutter-template", tmp / "copier-template"
    for tag in (V1, V2):
        for d in (cc, cp):
            for child in d.iterdir() if d.exists() else []:
                if child.name != ".git":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        write_peer_templates(catalog, tag, cc, cp)
        for d in (cc, cp):
            git_save(d, f"template {tag}", tag)
    return Fixture(tmp, catalog, cc, cp, ext_dir(tmp))


# --- fixtures: projects ------------------------------------------------------------------------


def mlgolden_project(fx: Fixture, parent: Path, *, ref: str = V1) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            mlgolden_bin() / "mlgolden",
            "new",
            "--no-input",
            "--catalog",
            str(fx.catalog),
            "--ref",
            ref,
            "--output-dir",
            str(parent),
        ],
        check=True,
        capture_output=True,
        env=tool_env(),
    )
    return parent / "churn-model"


def add_files(project: Path, count: int) -> None:
    """``count`` small tracked files (Python, CSV, Markdown, JSON) in nested folders."""
    for i in range(count):
        folder = project / "extra" / f"area{i % 50:02d}" / f"sub{(i // 50) % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 4
        name, body = [
            (f"mod{i}.py", "".join(f"def f{j}(x):\n    return x * {j + i % 7}\n" for j in range(15))),
            (f"data{i}.csv", "id,value\n" + "".join(f"{j},{(i * j) % 97 / 97:.4f}\n" for j in range(40))),
            (f"notes{i}.md", f"# Notes {i}\n\n" + "".join(f"- item {j}: ML-{100 + j}\n" for j in range(20))),
            (f"run{i}.json", json.dumps({"run": i, "auc": (i % 89) / 89}) + "\n"),
        ][kind]
        (folder / name).write_text(body)


def add_ignored_data(project: Path, small: int = 20_000, big: int = 8, big_mb: int = 64) -> int:
    """A git-ignored ``data/lake/`` folder: ``small`` 4 KB files and ``big`` large ones; bytes."""
    lake = project / "data" / "lake"
    chunk = b"x,y,z\n" * 700
    for i in range(small):
        folder = lake / f"part{i % 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"rows{i}.csv").write_bytes(chunk)
    block = os.urandom(1 << 20)
    for i in range(big):
        with open(lake / f"big{i}.bin", "wb") as fh:
            for _ in range(big_mb):
                fh.write(block)
    with open(project / ".gitignore", "a") as fh:
        fh.write("\n# local data lake\ndata/lake/\n")
    return small * len(chunk) + (big * big_mb << 20)


def add_history(project: Path, commits: int) -> None:
    """``commits`` more commits on the current branch, each changing one file (git fast-import)."""
    if commits <= 0:
        return
    branch = git(project, "symbolic-ref", "HEAD").strip()
    lines = []
    for i in range(commits):
        body = f"# Changelog\n\nentry {i}\n".encode()
        msg = f"work item {i}".encode()
        lines += [
            f"commit {branch}".encode(),
            f"mark :{i + 1}".encode(),
            b"committer bench <bench@localhost> 1700000000 +0000",
            b"data %d" % len(msg),
            msg,
        ]
        if i == 0:
            lines.append(f"from {git(project, 'rev-parse', 'HEAD').strip()}".encode())
        lines += [b"M 100644 inline WORKLOG.md", b"data %d" % len(body), body, b""]
    git(project, "fast-import", "--quiet", input=b"\n".join(lines) + b"\n")
    git(project, "reset", "-q", "--hard")


def squash_to_one_commit(project: Path, message: str = "project") -> None:
    tree = git(project, "write-tree").strip()
    commit = git(project, "commit-tree", tree, "-m", message).strip()
    git(project, "reset", "-q", "--soft", commit)


def snapshot(root: Path, skip: tuple[str, ...] = (".git",)) -> dict[str, bytes]:
    files = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] not in skip:
            files[rel.as_posix()] = path.read_bytes()
    return files


def check_upgraded(project: Path) -> None:
    """The v2 change is in the work tree (committed or not) and the team's edits survived."""
    text = (project / "Dockerfile").read_text()
    if 'image.version="2.0.0"' not in text or "churn squad" not in (project / "README.md").read_text():
        raise RuntimeError(f"{project} was not upgraded")


def check_committed(project: Path) -> None:
    check_upgraded(project)
    subject = git(project, "log", "-1", "--format=%s")
    if not subject.startswith("mlgolden upgrade") or git(project, "status", "--porcelain", "-uno"):
        raise RuntimeError(f"{project}: no clean upgrade commit (HEAD: {subject.strip()})")


def reset_repo(project: Path, commit: str, branch: str = "main") -> None:
    """Back to ``commit`` on ``branch``: drop upgrade commits/branches and untracked leftovers."""
    git(project, "cherry-pick", "--abort") if (project / ".git" / "CHERRY_PICK_HEAD").exists() else None
    git(project, "checkout", "-q", "-f", branch)
    git(project, "reset", "-q", "--hard", commit)
    git(project, "clean", "-q", "-fd")  # not -x: git-ignored data stays
    for ref in git(project, "for-each-ref", "--format=%(refname:short)", "refs/heads/mlgolden/").split():
        git(project, "branch", "-q", "-D", ref)

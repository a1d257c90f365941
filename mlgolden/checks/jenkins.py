"""The Jenkinsfile compiles, keeps the golden stages and uses credentials only by ID.

- **compile**: the Jenkinsfile is compiled with Groovy (`groovy` on PATH; `JAVA_HOME` is set to
  the JDK behind `java` when it is not set). A compile error fails the check with its line. Without
  Groovy this part is skipped ("skipped: groovy not installed"). The compile runs on a copy of the
  Jenkinsfile alone in a temporary folder, with an empty class path and a scrubbed environment, so
  nothing else in the repository (a `META-INF/services` AST transformation, a class) can run.
- **golden-stages**: the pipeline keeps the platform's stages, matched case-insensitively by their
  keywords: Lint & Test, Validate, Build & Push, Terraform Plan and Terraform Apply (when the project
  has Terraform files), Register features (when it has feature definitions) and Deploy. Rename
  them freely, keep the words.
- **credentials-by-id**: secrets come only from Jenkins credentials, by ID (`credentials('id')`,
  `credentialsId: 'id'`); a literal password, token or key assigned in the Jenkinsfile fails the
  check. A credential ID that is not one of the platform's (`platform.jenkins.credentials`) is a
  warning.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from mlgolden.checks.base import Context, Outcome, find_executable, last_lines, run_tool

ID = "jenkins"
FILES = ("Jenkinsfile",)
FILE = "Jenkinsfile"
GOLDEN_STAGES = {  # shown name -> keywords that must all appear in the stage name
    "Lint & Test": ("lint", "test"),
    "Validate": ("validat",),
    "Build & Push": ("build", "push"),
    "Terraform Plan": ("terraform", "plan"),
    "Terraform Apply": ("terraform", "apply"),
    "Register features": ("regist", "feature"),
    "Deploy": ("deploy",),
}
STAGE = re.compile(r"""\bstage\s*\(\s*(?:name\s*:\s*)?(['"])(.*?)\1""")
CREDENTIAL_ID = re.compile(r"""(?:\bcredentials\s*\(\s*|\bcredentialsId\s*:\s*)(['"])([^'"$]+)\1""")
SECRET_WORD = r"(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key)"
LITERAL_SECRET = re.compile(rf"""\b(\w*{SECRET_WORD}\w*)\s*[:=]\s*(['"])([^'"$]{{4,}})\2""", re.I)
CLI_SECRET = re.compile(
    r"""(?:--password|--token|\blogin\b[^\n]*?\s-p)[ =]"""
    r"""(['"]?)(?![$'"\\])([^\s'"]{4,})\1"""
)
COMPILE_SCRIPT = "new GroovyShell().parse(new File(args[0]))"


def run(ctx: Context, out: Outcome) -> None:
    text = ctx.read_text(FILE)
    if text is None:
        out.error("no readable Jenkinsfile (the jenkins component generates one)", FILE, rule="missing")
        return
    _compile(ctx, out, text)
    code = strip_comments(text)
    _stages(ctx, out, code)
    _credentials(ctx, out, code)


def _compile(ctx: Context, out: Outcome, text: str) -> None:
    groovy = find_executable("groovy")
    if groovy is None:
        out.missing_tool("groovy", "Jenkinsfile compile check")
        return
    # Groovy puts its working directory on the class path: give it a folder holding only a copy
    # of the Jenkinsfile, so a committed global AST transformation is never found.
    with tempfile.TemporaryDirectory(prefix="jenkins-", dir=ctx.tmpdir()) as tmp:
        (Path(tmp) / FILE).write_text(text, encoding="utf-8")
        args = [groovy, "-cp", "", "-e", COMPILE_SCRIPT, FILE]
        proc = run_tool(args, cwd=Path(tmp), env=_java_env(), scrub=True)
    if proc.returncode == 0:
        out.note("Jenkinsfile compiles with Groovy")
        return
    detail = proc.stderr or proc.stdout
    match = re.search(r":\s*(\d+):\s*(.+?)\s*@ line (\d+), column (\d+)", detail, re.S)
    if match:
        message = " ".join(match.group(2).split())
        out.error(f"does not compile: {message}", FILE, int(match.group(3)), rule="compile")
    elif "JAVA_HOME" in detail or "java" in detail.lower() and "not found" in detail.lower():
        out.error(f"groovy cannot start: {last_lines(detail, 1)}", FILE, rule="compile")
    else:
        out.error(f"does not compile: {last_lines(detail)}", FILE, rule="compile")


def _java_env() -> dict[str, str]:
    """JAVA_HOME for groovy: kept when valid, else the JDK behind the `java` on PATH."""
    current = os.environ.get("JAVA_HOME")
    if current and (Path(current) / "bin" / "java").exists():
        return {}
    java = shutil.which("java")
    if not java:
        return {}
    return {"JAVA_HOME": str(Path(java).resolve().parent.parent)}


def _stages(ctx: Context, out: Outcome, code: str) -> None:
    names = [m.group(2) for m in STAGE.finditer(code)]
    required = dict(GOLDEN_STAGES)
    if not ctx.exists("features/feature_store.yaml"):
        required.pop("Register features")
    if not [rel for rel in ctx.glob("**/*.tf") if "/.terraform/" not in f"/{rel}"]:
        required.pop("Terraform Plan"), required.pop("Terraform Apply")
    for shown, words in required.items():
        if not any(all(w in name.lower() for w in words) for name in names):
            out.error(
                f"the golden stage {shown!r} is missing (a stage whose name contains "
                f"{' and '.join(repr(w) for w in words)})",
                FILE,
                _line(code, r"\bstages\s*\{"),
                rule="golden-stages",
            )
    out.note(f"stages: {', '.join(names)}")


def _credentials(ctx: Context, out: Outcome, code: str) -> None:
    for match in LITERAL_SECRET.finditer(code):
        name = match.group(1)
        if name.lower() in ("credentialsid",) or name.lower().endswith(("id", "_name", "variable")):
            continue
        out.error(
            f"literal secret in {name}: use a Jenkins credential by ID (credentials('id') "
            "or withCredentials)",
            FILE,
            _line_at(code, match.start()),
            rule="credentials-by-id",
        )
    for match in CLI_SECRET.finditer(code):
        out.error(
            "a password or token is passed literally on a command line: use a Jenkins credential by ID",
            FILE,
            _line_at(code, match.start()),
            rule="credentials-by-id",
        )
    known = set(ctx.platform.jenkins.credentials.values()) if ctx.platform else set()
    for match in CREDENTIAL_ID.finditer(code):
        if known and match.group(2) not in known:
            out.warn(
                f"credential ID {match.group(2)!r} is not one of the platform's ({', '.join(sorted(known))})",
                FILE,
                _line_at(code, match.start()),
                rule="credentials-by-id",
            )


def strip_comments(code: str) -> str:
    """Groovy without // and /* */ comments (strings kept), line numbers preserved."""
    token = re.compile(
        r"""('''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")"""
        r"""|(//[^\n]*|/\*.*?\*/)""",
        re.S,
    )

    def keep(match: re.Match) -> str:
        if match.group(2):
            return re.sub(r"[^\n]", " ", match.group(2))
        return match.group(1)

    return token.sub(keep, code)


def _line(code: str, pattern: str) -> int | None:
    match = re.search(pattern, code)
    return _line_at(code, match.start()) if match else None


def _line_at(code: str, offset: int) -> int:
    return code.count("\n", 0, offset) + 1

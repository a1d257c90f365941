"""A three-way line merge that accepts changes on *adjacent* lines.

git refuses to merge two changes whose hunks touch (a template line changed right above a line the
team edited), which turned every release's one-line change — such as the template version in a
generated file's header — into a conflict at the top of the Dockerfile or the README. After git's
own merge, the upgrade retries each text file git left conflicted with this merge: it succeeds only
when the two sides changed disjoint ranges of the base's lines (identical changes count once), and
otherwise gives up, leaving git's conflict as it was.
"""

from __future__ import annotations

from difflib import SequenceMatcher

Change = tuple[int, int, list[str]]  # base lines [start, end) become these lines


def _changes(base: list[str], other: list[str]) -> list[Change]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _clash(a: Change, b: Change) -> bool:
    """Two changes clash when their base ranges overlap, or one inserts strictly inside the other
    (touching ends are fine: that is the point of this merge); two insertions at one place clash."""
    (a1, a2, _), (b1, b2, _) = a, b
    if a1 == a2 and b1 == b2:
        return a1 == b1
    if a1 == a2:
        return b1 < a1 < b2
    if b1 == b2:
        return a1 < b1 < a2
    return a1 < b2 and b1 < a2


def merge_lines(base: str, ours: str, theirs: str) -> str | None:
    """The merged text, or None when the sides' changes overlap."""
    b, o, t = (text.splitlines(keepends=True) for text in (base, ours, theirs))
    mine, template = _changes(b, o), _changes(b, t)
    template = [change for change in template if change not in mine]  # the same change on both sides
    if any(_clash(x, y) for x in mine for y in template):
        return None
    # at one base position an insertion goes before a replacement that starts there
    changes = sorted([*mine, *template], key=lambda c: (c[0], c[1] != c[0]))
    out, at = [], 0
    for start, end, lines in changes:
        if start < at:
            return None
        out += b[at:start] + lines
        at = end
    return "".join(out + b[at:])

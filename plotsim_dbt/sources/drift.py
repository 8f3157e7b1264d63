"""How a source's copy of a text value drifts from the warehouse's: one of a dropped character,
an abbreviated last word, a case change or a doubled space. A drifted value always differs from
the original, so comparing the two finds every drift."""

from __future__ import annotations

KINDS = ("typo", "abbreviation", "case", "whitespace")


def drifted(value: str, kind: float, where: float) -> str:
    """``value`` drifted by the kind ``kind`` picks (a uniform) at the place ``where`` picks."""
    chosen = KINDS[min(int(kind * len(KINDS)), len(KINDS) - 1)]
    if chosen == "typo" and len(value) > 1:
        at = min(int(where * len(value)), len(value) - 1)
        out = value[:at] + value[at + 1 :]
    elif chosen == "abbreviation" and " " in value.strip():
        head, _, last = value.rstrip().rpartition(" ")
        out = f"{head} {last[0]}."
    elif chosen == "case":
        out = value.upper() if value != value.upper() else value.lower()
    else:
        out = value
    if out == value:  # nothing to misspell, abbreviate or re-case: a doubled or trailing space always differs
        out = value.replace(" ", "  ", 1) if " " in value else value + " "
    return out

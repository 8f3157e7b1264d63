"""Where each part of a translated config came from, so an error names the field as the user
wrote it: ``dimensions.1.columns.2.type`` of our model is ``tables.3.columns.2.source`` of the
reference's engine YAML. Unmapped paths are the user's own (our spelling and most builder keys)."""

from __future__ import annotations

Path = tuple[str, ...]


def split(path: str) -> Path:
    return tuple(path.split(".")) if path else ()


class Trail:
    def __init__(self) -> None:
        self._origin: dict[Path, tuple[Path, bool]] = {}

    def note(self, ours: str, theirs: str, *, whole: bool = False) -> None:
        """Our field ``ours`` (and everything under it) was written by the user at ``theirs``;
        ``whole``: the user wrote it as one value (``source: "range:1:9"``), so the fields under
        ours are that value too."""
        if ours != theirs:
            self._origin[split(ours)] = (split(theirs), whole)

    def user_path(self, field: str) -> str:
        """The user's path for one of our field paths: the longest noted prefix is replaced."""
        parts = split(field)
        for k in range(len(parts), 0, -1):
            if parts[:k] in self._origin:
                origin, whole = self._origin[parts[:k]]
                return ".".join(origin if whole else origin + parts[k:])
        return field

"""Where each part of a translated config came from, so an error names the field as the user
wrote it: ``dimensions.1.columns.2.type`` of our model is ``tables.3.columns.2.source`` of the
reference's engine YAML. Unmapped paths are the user's own (our spelling and most builder keys)."""

from __future__ import annotations

Path = tuple[str, ...]


def split(path: str) -> Path:
    return tuple(path.split(".")) if path else ()


class Trail:
    def __init__(self) -> None:
        self._origin: dict[Path, Path] = {}

    def note(self, ours: str, theirs: str) -> None:
        """Our field ``ours`` (and everything under it) was written by the user at ``theirs``."""
        if ours != theirs:
            self._origin[split(ours)] = split(theirs)

    def user_path(self, field: str) -> str:
        """The user's path for one of our field paths: the longest noted prefix is replaced."""
        parts = split(field)
        for k in range(len(parts), 0, -1):
            origin = self._origin.get(parts[:k])
            if origin is not None:
                return ".".join(origin + parts[k:])
        return field

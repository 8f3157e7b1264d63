"""Bundled YAML templates: list_templates() and load_template(name); config_source() turns a CONFIG
argument (a file or a template name) into the file to read."""

from __future__ import annotations

import difflib
import re
from importlib import resources
from pathlib import Path

from ..config import Config, ConfigError, create_from_yaml

_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _folder():
    return resources.files(__package__)


def list_templates() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in _folder().iterdir() if p.name.endswith(".yaml"))


def _suggestion(name: str) -> str:
    close = difflib.get_close_matches(name, list_templates(), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def template_path(name: str) -> Path:
    # Names only: a path such as ../x or /etc/x would read any YAML file on the machine.
    if not _NAME.fullmatch(name):
        raise ConfigError("template", f"{name!r} is not a template name; templates are plain names: {', '.join(list_templates())}")
    path = _folder() / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError("template", f"no template named {name!r}; {_suggestion(name)}available: {', '.join(list_templates())}")
    return Path(str(path))


def config_source(source: str | Path, base: str | Path | None = None) -> Path:
    """The YAML file a CONFIG argument names: a file (a relative path is taken from ``base``, by
    default the working directory), else a bundled template. Only files count as paths, so a
    folder named like a template does not hide it."""
    path = Path(base or ".") / source
    if path.is_file():
        return path
    if str(source) in list_templates():
        return template_path(str(source))
    if path.is_dir():
        raise ConfigError("", f"{path} is a directory, not a config file or a template name ({', '.join(list_templates())})")
    hint = _suggestion(str(source)) if _NAME.fullmatch(str(source)) else ""
    raise ConfigError("", f"config file {str(path)!r} does not exist; {hint}templates: {', '.join(list_templates())}")


def template_text(name: str) -> str:
    return template_path(name).read_text(encoding="utf-8")


def load_template(name: str) -> Config:
    return create_from_yaml(template_path(name))

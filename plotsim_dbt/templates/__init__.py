"""Bundled YAML templates: list_templates() and load_template(name)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..config import Config, ConfigError, create_from_yaml


def _folder():
    return resources.files(__package__)


def list_templates() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in _folder().iterdir() if p.name.endswith(".yaml"))


def template_path(name: str) -> Path:
    path = _folder() / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError("template", f"no template named {name!r}; available: {', '.join(list_templates())}")
    return Path(str(path))


def template_text(name: str) -> str:
    return template_path(name).read_text(encoding="utf-8")


def load_template(name: str) -> Config:
    return create_from_yaml(template_path(name))

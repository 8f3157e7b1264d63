"""Build a Config from keyword arguments or a YAML file."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import ConfigError, from_validation_error
from .models import Config


def create(**kwargs: Any) -> Config:
    """Validate keyword arguments (the builder vocabulary) into an immutable Config."""
    try:
        config = Config.model_validate(kwargs)
    except ValidationError as err:
        raise from_validation_error(err) from None
    if config.quality:
        warnings.warn("quality: fault injection is accepted but not applied in this version", UserWarning, stacklevel=2)
    return config


def read_yaml(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("", f"config file {str(path)!r} does not exist") from None
    except yaml.YAMLError as err:
        raise ConfigError("", f"{path} is not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError("", f"{path} must hold a mapping of config keys at the top level")
    return data


def create_from_yaml(path: str | Path) -> Config:
    """Load a YAML config file (builder keys; engine spellings such as ``params`` are accepted too)."""
    return create(**read_yaml(path))


load_config = create_from_yaml


def dump_config(config: Config) -> str:
    """The config as YAML that ``create_from_yaml`` reads back to an equal Config."""
    return yaml.safe_dump(config.model_dump(mode="json", by_alias=False), sort_keys=False, allow_unicode=True)

"""Build a Config from keyword arguments or a YAML file: our spelling, or either dialect of the
reference generator (builder or engine-direct YAML), translated first (see dialects/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .dialects import translate
from .dialects.advice import warn_soft
from .errors import ConfigError, from_validation_error
from .models import Config
from .yaml_reader import parse_yaml


def create(**kwargs: Any) -> Config:
    """Validate keyword arguments (the builder vocabulary, or engine-direct keys) into an immutable Config."""
    translated = translate(kwargs)
    try:
        config = Config.model_validate(translated.data)
    except ValidationError as err:
        raise from_validation_error(err, translated.trail.user_path) from None
    if translated.dialect == "builder":
        warn_soft(config, stacklevel=3)
    return config


def read_yaml(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except FileNotFoundError:
        raise ConfigError("", f"config file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise ConfigError("", f"{path} is a directory, not a config file") from None
    except UnicodeDecodeError:
        raise ConfigError("", f"{path} is not UTF-8 text; a config is a YAML file") from None
    if not isinstance(data, dict):
        raise ConfigError("", f"{path} must hold a mapping of config keys at the top level")
    return data


def create_from_yaml(path: str | Path) -> Config:
    """Load a YAML config file: our keys, or the reference's builder or engine-direct YAML."""
    return create(**read_yaml(path))


load_config = create_from_yaml


def dump_config(config: Config) -> str:
    """The config as YAML that ``create_from_yaml`` reads back to an equal Config."""
    return yaml.safe_dump(config.model_dump(mode="json", by_alias=False), sort_keys=False, allow_unicode=True)

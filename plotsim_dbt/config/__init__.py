"""Configuration: typed models, loading, and the one error type."""

from .errors import ConfigError
from .load import create, create_from_yaml, dump_config, load_config
from .models import Config, Connection, Metric, Segment

__all__ = ["Config", "ConfigError", "Connection", "Metric", "Segment", "create", "create_from_yaml", "dump_config", "load_config"]

"""Configuration: typed models, loading, and the one error type."""

from .connections import Connection
from .errors import ConfigError
from .load import create, create_from_yaml, dump_config, load_config
from .metrics import Metric
from .models import Config
from .segments import Segment

__all__ = ["Config", "ConfigError", "Connection", "Metric", "Segment", "create", "create_from_yaml", "dump_config", "load_config"]

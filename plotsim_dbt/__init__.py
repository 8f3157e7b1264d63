"""plotsim_dbt: synthetic star-schema warehouses whose numbers tell a story, with ground truth."""

__version__ = "0.1.0"

from .api import (  # noqa: E402
    RunResult,
    build_manifest,
    generate_tables,
    generate_tables_with_state,
    run,
    validate,
    validate_tables,
    write_tables,
)
from .config import Config, ConfigError, create, create_from_yaml, dump_config, load_config  # noqa: E402
from .templates import list_templates, load_template  # noqa: E402
from .validation import ValidationIssue, ValidationReport  # noqa: E402

__all__ = [
    "Config",
    "ConfigError",
    "RunResult",
    "__version__",
    "build_manifest",
    "create",
    "create_from_yaml",
    "dump_config",
    "generate_tables",
    "generate_tables_with_state",
    "list_templates",
    "load_config",
    "load_template",
    "run",
    "ValidationIssue",
    "ValidationReport",
    "validate",
    "validate_tables",
    "write_tables",
]

"""plotsim_dbt: synthetic star-schema warehouses whose numbers tell a story, with ground truth.

The names of the reference generator (plotsim 0.7.0, and those 0.6.x exported from its top
level) are here with the same call shapes; see docs/api.md."""

__version__ = "0.1.0"

from . import config  # noqa: E402, F401, I001  (first: columns and config import each other, and config must start the cycle)
from .api import (  # noqa: E402
    RunResult,
    build_entity_features,
    build_manifest,
    generate_tables,
    generate_tables_with_state,
    run,
    validate,
    validate_tables,
    write_tables,
)
from .config import Config, ConfigError, create, create_from_yaml, dump_config, load_config  # noqa: E402
from .report import report  # noqa: E402
from .presets import DIRTY, NOISE_PRESETS, PERFECTLY_CLEAN, REALISTIC, SLIGHTLY_MESSY  # noqa: E402
from .templates import list_templates, load_template  # noqa: E402
from .validation import ValidationIssue, ValidationReport  # noqa: E402
from .writers import write_config_copy, write_manifest, write_single_table, write_validation_report  # noqa: E402

PlotsimConfig = Config  # the reference generator's name for the config model

__all__ = [
    "DIRTY",
    "NOISE_PRESETS",
    "PERFECTLY_CLEAN",
    "REALISTIC",
    "SLIGHTLY_MESSY",
    "Config",
    "ConfigError",
    "PlotsimConfig",
    "RunResult",
    "ValidationIssue",
    "ValidationReport",
    "__version__",
    "build_entity_features",
    "build_manifest",
    "create",
    "create_from_yaml",
    "dump_config",
    "generate_tables",
    "generate_tables_with_state",
    "list_templates",
    "load_config",
    "load_template",
    "report",
    "run",
    "validate",
    "validate_tables",
    "write_config_copy",
    "write_manifest",
    "write_single_table",
    "write_tables",
    "write_validation_report",
]

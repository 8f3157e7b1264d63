# Shared prelude of seed 002 (ML training data & evaluation), with `plotsim` replaced by `plotsim_dbt`.
import json
import numpy as np
import pandas as pd
from pathlib import Path
from plotsim_dbt import (
    create,
    create_from_yaml,
    load_config,
    load_template,
    generate_tables,
    generate_tables_with_state,
    build_manifest,
    write_tables,
    run,
)


def write_saas(output_dir="./data"):
    """The bundled saas template (600 companies x 24 months, seed 1729, entity_features and a
    4-period churn_risk holdout already set), written with its manifest."""
    cfg = load_template("saas")
    run(cfg, output_dir)
    return cfg


def period_of(tables):
    """date_key -> period_index, from dim_date."""
    return tables["dim_date"].set_index("date_key")["period_index"]

# Shared prelude of seed 001 (data-science use cases), with `plotsim` replaced by `plotsim_dbt`.
import json
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from pathlib import Path
from plotsim_dbt import (
    create,
    generate_tables,
    generate_tables_with_state,
    build_manifest,
    write_tables,
)


def fixed_seed(cfg, seed=42):
    return cfg.model_copy(update={"seed": seed})

"""``plotsim-dbt load``: stream a warehouse into a PostgreSQL schema and write its sources YAML.

The connection comes from a URL or from a dbt profile (profiles.yml, as dbt finds it: the
``--profiles-dir`` given, else ``DBT_PROFILES_DIR``, else the current folder, else ~/.dbt)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
import yaml

from ..config import Config, ConfigError
from ..dbt.runtime import FEATURES_MODEL
from ..dbt.scaffold import SOURCE_NAME, write_sources
from ..pipeline import Progress, Views, generate_into
from ..plan.resolve import Plan, plan_of
from ..sinks.postgres import PostgresSink


@dataclass(frozen=True)
class Loaded:
    schema: str
    row_counts: dict[str, int]  # every table and truth table written
    sources: Path | None


def profiles_dir(given: str | Path | None = None) -> Path:
    if given is not None:
        return Path(given)
    if os.environ.get("DBT_PROFILES_DIR"):
        return Path(os.environ["DBT_PROFILES_DIR"])
    return Path.cwd() if (Path.cwd() / "profiles.yml").is_file() else Path.home() / ".dbt"


def _render(value):
    """A profile value with dbt's ``env_var('NAME'[, 'default'])`` filled in."""
    if not isinstance(value, str) or "{{" not in value:
        return value

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ConfigError("profiles.yml", f"environment variable {name} is not set (used by env_var('{name}'))")
        return default

    return jinja2.Environment().from_string(value).render(env_var=env_var)


def profile_url(profile: str, target: str | None = None, directory: str | Path | None = None) -> str:
    """The postgresql:// URL of a dbt-postgres target in profiles.yml (its default target unless
    ``target`` is given)."""
    path = profiles_dir(directory) / "profiles.yml"
    try:
        profiles = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as err:
        raise ConfigError(str(path), f"cannot read it ({err.strerror}); give --profiles-dir or --url") from err
    if profile not in profiles:
        raise ConfigError(str(path), f"no profile {profile!r}; profiles there: {', '.join(sorted(profiles)) or 'none'}")
    entry = profiles[profile]
    name = _render(target or entry.get("target", "dev"))
    outputs = entry.get("outputs", {})
    if name not in outputs:
        raise ConfigError(f"{path}: {profile}", f"no target {name!r}; targets: {', '.join(sorted(outputs)) or 'none'}")
    output = {key: _render(value) for key, value in outputs[name].items()}
    if output.get("type") != "postgres":
        raise ConfigError(f"{path}: {profile}.{name}.type", f"is {output.get('type')!r}; load needs a postgres target")
    user = quote(str(output.get("user", "")), safe="")
    password = output.get("password", output.get("pass"))
    login = f"{user}:{quote(str(password), safe='')}" if password else user
    database = output.get("dbname", output.get("database", ""))
    return f"postgresql://{login}@{output.get('host', 'localhost')}:{output.get('port', 5432)}/{quote(str(database), safe='')}"


def load(
    config: Config | Plan,
    url: str,
    schema: str = SOURCE_NAME,
    *,
    sources: str | Path | None = None,
    source_name: str = SOURCE_NAME,
    workers: int = 1,
    block_size: int | None = None,
    progress: Progress | None = None,
) -> Loaded:
    """Generate every table, the entity features and every truth table into ``schema`` (replacing
    it whole, atomically), then write the sources YAML to ``sources`` when given. The schema is
    dropped and recreated: give one that holds nothing else (not dbt's target schema)."""
    plan = plan_of(config)
    with PostgresSink(url, schema) as sink:
        generate_into(plan, sink, views=Views(features=FEATURES_MODEL), workers=workers, block_size=block_size, progress=progress)
    written = write_sources(plan, sources, source_name, schema) if sources is not None else None
    return Loaded(schema, dict(sink.row_counts), written)

"""plotsim-dbt: generate, inspect and validate datasets. Errors end as one line, never a traceback.

Exit codes, as the reference generator: 0 success; 1 any error (a config or load error, a strict
run that found errors, ``run --validate`` on invalid output, a write error); 130 interrupted;
2 only for command-line usage errors (argparse's own). Running without a command prints the
help and exits 1. See docs/cli.md."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import warnings
from pathlib import Path

from .. import __version__
from ..api import run
from ..config import Config, ConfigError, create_from_yaml
from ..inspect import trace_metric_cell
from ..plan.grains import GrainFactTable
from ..plan.resolve import resolve_plan
from ..plan.tables import DateTable, EntityTable, EventTable, FactTable, PeriodTable, ReferenceTable, SubEntityTable
from ..sinks import FORMATS
from ..templates import config_source, list_templates, template_text
from .progress import ProgressBar
from .size import note_if_large


def _load(source: str) -> Config:
    """A config file path, or the name of a bundled template."""
    return create_from_yaml(config_source(source))


def cmd_run(args: argparse.Namespace) -> int:
    config = _load(args.config)
    plan = resolve_plan(config, args.seed)
    note_if_large(plan, args.allow_large_dataset)
    out = args.output_dir or config.output.directory
    if not args.quiet:
        print(f"Generating dataset from {args.config} (seed={plan.seed})...", flush=True)
    started = time.perf_counter()
    result = run(
        plan,
        out,
        strict=args.strict,
        workers=args.workers,
        block_size=args.block_size,
        format=args.format,
        validate=args.validate,
        progress=None if args.quiet else ProgressBar(plan),
    )
    seconds = time.perf_counter() - started
    report = result.report
    if report is not None:
        print(f"Validation: {report.summary()}")
    if not args.quiet:
        data = {name: rows for name, rows in result.row_counts.items() if not name.startswith("truth_")}
        truth = len(result.row_counts) - len(data)
        print(f"Wrote {len(data)} table(s), {sum(data.values())} total row(s) to {result.directory}/")
        artifacts = "manifest.json, config.yaml" + (", validation_report.txt" if report is not None else "")
        print(f"  with {truth} truth table(s) under {result.directory}/truth/ and {artifacts}, in {seconds:.1f} s")
        for table in plan.tables_of(EventTable):
            if result.row_counts.get(table.name, 0) == 0:
                print(f"! {table.name}: 0 rows (the event never fired)")
    return 1 if report is not None and not report.ok else 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Load-time checks only (``--config-only`` is the same): the config loads and can be planned."""
    try:
        plan = resolve_plan(_load(args.config))  # also checks that declared connections can be planned
    except (ConfigError, OSError, ValueError, KeyError) as err:
        print(f"INVALID: {args.config}")
        print(f"  {_message(err)}")
        return 1
    note_if_large(plan, args.allow_large_dataset)
    print(f"VALID: {args.config}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    config = _load(args.config)
    plan = resolve_plan(config)
    note_if_large(plan, args.allow_large_dataset)
    print(f"About:     {config.about}")
    print(f"Unit:      {config.unit} ({config.entity_count:,} entities in {len(config.segments)} segments)")
    print(f"Window:    {config.window.start} .. {config.window.end}, {config.window.every} ({plan.periods} periods)")
    print(f"Seed:      {config.seed}")
    print("Segments:  " + ", ".join(f"{s.name} ({s.count}, {s.archetype})" for s in config.segments))
    print("Metrics:   " + ", ".join(f"{m.name} [{m.family}]" for m in plan.metrics))
    entities, periods = config.entity_count, plan.periods
    print("Tables:")
    for table in plan.tables.values():
        print(f"           {table.name} ({_rows(table, entities, periods)})")
    for pair in plan.copula.pairs:
        note = "" if pair.reachable else "  (not reachable; delivered value shown)"
        print(f"Connection {pair.metric_a} ~ {pair.metric_b}: declared {pair.declared:+.2f}, planned to deliver {pair.delivered:+.2f}{note}")
    return 0


def _rows(table, entities: int, periods: int) -> str:
    """How many rows a table will have, as far as the plan knows."""
    if isinstance(table, (DateTable, PeriodTable)):
        return f"{periods} rows"
    if isinstance(table, ReferenceTable):
        return f"{table.rows:,} rows"
    if isinstance(table, EntityTable):
        return f"{entities:,} entities" + (", one row per SCD2 version" if table.scd is not None else "")
    if isinstance(table, SubEntityTable):
        return f"{table.count * entities:,} rows"
    if isinstance(table, FactTable):
        return f"{entities * periods:,} rows"
    if isinstance(table, EventTable):
        return f"events, {'proportional' if table.scale is not None else 'threshold'}"
    if isinstance(table, GrainFactTable):
        return (
            f"round(driver x {table.scale:g}) rows per entity and period"
            if table.parent is None
            else f"{table.low}-{table.high} rows per {table.parent} row"
        )
    return f"{table.low}-{table.high} links per entity"


def _emit(text: str, output: str | None, what: str, force: bool) -> int:
    """Write ``text`` to a file, or to stdout when no file (or '-') is given; an existing file
    only with ``force``."""
    if output in (None, "-"):
        sys.stdout.write(text)
    else:
        if Path(output).exists() and not force:
            raise FileExistsError(f"{output} exists; add --force to overwrite it")
        Path(output).write_text(text, encoding="utf-8")
        print(f"Wrote {what} to {output}")
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    config = _load(args.config)
    entity = args.entity
    by_id = {"entity_id": int(entity)} if entity.isdigit() else {"entity_name": entity}
    result = trace_metric_cell(config, seed=args.seed, period_index=args.period, metric_name=args.metric, **by_id)
    print(result.text())
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    return _emit(template_text(args.name), args.output, f"template {args.name}", args.force)


def cmd_list_templates(args: argparse.Namespace) -> int:
    for name in list_templates():
        print(name)
    print("\nUse: plotsim-dbt template NAME -o config.yaml")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(Config.model_json_schema(), indent=2, sort_keys=True) + "\n"
    return _emit(text, args.output, "the config JSON Schema", args.force)


def cmd_scaffold(args: argparse.Namespace) -> int:
    from ..dbt.scaffold import scaffold

    config = _load(args.config)
    written = scaffold(config, args.source or args.config, args.out, form=args.form)
    print(f"Wrote {len(written)} file(s) to {args.out}/")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from ..load.postgres import load, profile_url

    if (args.url is None) == (args.profile is None):
        raise ValueError("give either --url postgresql://... or --profile NAME (with --target), not both or neither")
    url = args.url or profile_url(args.profile, args.target, args.profiles_dir)
    plan = resolve_plan(_load(args.config), args.seed)
    note_if_large(plan, args.allow_large_dataset)
    started = time.perf_counter()
    loaded = load(
        plan,
        url,
        args.schema,
        sources=None if args.sources == "-" else args.sources,
        workers=args.workers,
        block_size=args.block_size,
        progress=None if args.quiet else ProgressBar(plan),
    )
    if not args.quiet:
        rows = sum(loaded.row_counts.values())
        print(f"Loaded {len(loaded.row_counts)} table(s), {rows:,} row(s) into schema {loaded.schema} in {time.perf_counter() - started:.1f} s")
        if loaded.sources is not None:
            print(f"Wrote {loaded.sources}; set `vars: {{plotsim_source: plotsim}}` in dbt_project.yml for the truth tests")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from ..dbt.project import init_project

    directory = init_project(args.directory, template=args.template, config_file=args.config)
    print(f"Wrote a dbt project to {directory}/. Next: cd {directory} && dbt deps && dbt build")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..report import report

    started = time.perf_counter()
    try:
        path = report(_load(args.config), args.output, name=args.config, seed=args.seed)
    except ImportError as err:  # matplotlib is an optional extra
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"Wrote the report of {args.config} to {path} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..dbt.project import demo

    return demo(args.dir, threads=args.threads, verbose=args.verbose)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plotsim-dbt", description="Synthetic warehouses that tell a story, with ground truth.")
    parser.add_argument("--version", action="version", version=f"plotsim-dbt {__version__}")
    sub = parser.add_subparsers(dest="command")
    large = {
        "action": "store_true",
        "help": "accepted for the reference's scripts: there is no size cap, this only silences the size note printed above 2,000,000 entity-periods",
    }

    p = sub.add_parser("run", help="generate a dataset and write it")
    p.add_argument("config", help="config YAML file or bundled template name")
    p.add_argument("-o", "--output-dir", help="output directory (default: output.directory of the config)")
    p.add_argument("--format", choices=list(FORMATS), help="output format, see docs/outputs.md (default: output.format of the config)")
    p.add_argument("--workers", type=int, default=1, help="worker processes; output is identical for any count")
    p.add_argument("--block-size", type=int, help="entities per batch (a multiple of 1024); output is identical for any size")
    p.add_argument("-s", "--seed", type=int, help="override the config's seed")
    p.add_argument("-v", "--validate", action="store_true", help="check keys, date spine, SCD2 histories and bridges; exit 1 if invalid")
    p.add_argument("--strict", action="store_true", help="validate before committing the output; on any error exit 1 and write nothing")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary lines (the validation line and errors remain)")
    p.add_argument("--allow-large-dataset", **large)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check a config without generating data")
    p.add_argument("config")
    p.add_argument("--config-only", action="store_true", help="accepted for the reference's scripts: validate always checks the config only")
    p.add_argument("--allow-large-dataset", **large)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("info", help="summarise what a config will generate")
    p.add_argument("config")
    p.add_argument("--allow-large-dataset", **large)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("trace", help="show every step that produced one metric cell")
    p.add_argument("config", help="config YAML file or bundled template name")
    p.add_argument("--entity", required=True, help="entity name (<segment>_<NNNN>, from 0000) or its id")
    p.add_argument("--period", type=int, required=True, help="period index, 0-based")
    p.add_argument("--metric", required=True, help="metric name")
    p.add_argument("-s", "--seed", type=int, help="override the config's seed")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("report", help="write an HTML report with pictures of the story, as planned and as delivered")
    p.add_argument("config", help="config YAML file or bundled template name")
    p.add_argument("-o", "--output", default="report.html", help="HTML file to write (default report.html)")
    p.add_argument("-s", "--seed", type=int, help="override the config's seed")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("template", help="copy a bundled template")
    p.add_argument("name")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("list-templates", help="list bundled templates")
    p.set_defaults(func=cmd_list_templates)

    p = sub.add_parser("demo", help="dbt build the bundled demo warehouse into a DuckDB file and summarise it")
    p.add_argument("--threads", type=int, help="dbt threads (generation still runs once)")
    p.add_argument("--dir", default="plotsim_demo", help="folder for dbt's target/, logs/ and the DuckDB file (default plotsim_demo)")
    p.add_argument("-v", "--verbose", action="store_true", help="show dbt's full log (by default only its warnings and errors)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("init", help="write a ready dbt project that uses this package")
    p.add_argument("directory")
    p.add_argument("--template", help="bundled template name")
    p.add_argument("--config", help="config YAML file")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("scaffold", help="write dbt Python models and properties YAML for a config")
    p.add_argument("config", help="config YAML file or bundled template name")
    p.add_argument("--out", default="models/plotsim", help="folder for the model files (default models/plotsim)")
    p.add_argument("--source", help="config reference written into the models (default: CONFIG as given)")
    p.add_argument(
        "--form",
        choices=["models", "sources"],
        default="models",
        help="models: Python models that generate inside dbt (DuckDB); sources: a sources YAML for tables loaded by `load`",
    )
    p.set_defaults(func=cmd_scaffold)

    p = sub.add_parser("load", help="generate a warehouse into a PostgreSQL schema (replaced atomically) and write its dbt sources YAML")
    p.add_argument("config", help="config YAML file or bundled template name")
    p.add_argument("--url", help="postgresql://user:password@host:port/database")
    p.add_argument("--profile", help="a dbt profile (of type postgres) to take the connection from")
    p.add_argument("--target", help="the profile's target (default: its default target)")
    p.add_argument("--profiles-dir", help="folder of profiles.yml (default: as dbt finds it)")
    p.add_argument("--schema", default="plotsim", help="schema to load into; it is dropped and replaced whole (default plotsim)")
    p.add_argument("--sources", default="models/plotsim/_plotsim__sources.yml", help="sources YAML to write ('-' for none)")
    p.add_argument("--workers", type=int, default=1, help="worker processes; output is identical for any count")
    p.add_argument("--block-size", type=int, help="entities per batch (a multiple of 1024); output is identical for any size")
    p.add_argument("-s", "--seed", type=int, help="override the config's seed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary lines")
    p.add_argument("--allow-large-dataset", **large)
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("schema", help="print the config JSON Schema")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(func=cmd_schema)
    debug = "on an error, print the traceback after the one-line message"
    parser.add_argument("--debug", action="store_true", help=debug)
    for command in sub.choices.values():  # accepted after the command too; SUPPRESS keeps one given before it
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug)
    return parser


def _message(err: BaseException) -> str:
    """One line for any error: its own text (a ConfigError names the field), or for errors that are
    not ours the type and the first line of the text, with a pointer to --debug."""
    text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    if isinstance(err, (ConfigError, OSError, ValueError, KeyError, IndexError)) and text:
        return " ".join(text.split())
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if isinstance(err, MemoryError):
        first = "out of memory; try a smaller --block-size, fewer --workers, or fewer entities"
    what = f"{type(err).__name__}: {first}" if first else type(err).__name__
    return f"{what} (run with --debug for the traceback)"


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    # A command-line user wants the advice, not the source line that raised it.
    print(f"warning: {message}", file=sys.stderr)


def _quiet_broken_pipe() -> int:
    """The reader of stdout went away (``| head``): stop quietly. Later writes (the interpreter's
    final flush) go to devnull, so Python prints no 'Broken pipe' message at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 141  # 128 + SIGPIPE, what a shell reports for a command stopped by a closed pipe


def main(argv: list[str] | None = None) -> int:
    warnings.showwarning = _warning_line
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 1
    try:
        status = args.func(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as err:  # the promise of the CLI: every failure is one line
        if args.debug:
            traceback.print_exc()
        print(f"error: {_message(err)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

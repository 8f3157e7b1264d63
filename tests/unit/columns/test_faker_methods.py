"""``faker.<method>`` columns: an allowlist of real Faker methods (plus industry and year) whose
return type sets the Arrow type, arguments checked by one trial call, values reseeded per key block."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import yaml
from breadth_helpers import FALLERS, GROWERS, breadth_kwargs

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.columns import faker_methods
from plotsim_dbt.columns.faker_methods import ARROW, DENIED, INDUSTRIES, METHODS, PINNED_DATES, YEARS, denied, trial
from plotsim_dbt.config.load import dump_config

ENTITIES = GROWERS + FALLERS
PINNED = {"start_date": date(2020, 1, 1), "end_date": date(2022, 12, 31)}


def args_for(method: str) -> dict:
    return {k: PINNED[k] for k in PINNED_DATES.get(method, ())}


def faker_kwargs(*columns: dict, locale="en_US", reference: tuple[dict, ...] = ()) -> dict:
    kw = breadth_kwargs(locale=locale)
    kw["dimensions"][0]["columns"] += list(columns)
    if reference:
        kw["dimensions"].append({"name": "dim_depot", "grain": "reference", "count": 40, "columns": [{"depot_id": "id"}, *reference]})
    return kw


def refused(*columns: dict, locale="en_US") -> ps.ConfigError:
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**faker_kwargs(*columns, locale=locale))
    assert "\n" not in str(info.value)
    return info.value


# ---------------------------------------------------------------- the allowlist


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_allowed_method_returns_its_declared_type(method):
    for locale in ("en_US", "de_DE"):
        try:
            value = trial(method, args_for(method), locale)
        except AttributeError:  # a locale without the data (de_DE has no state_abbr); config time says so
            assert locale != "en_US"
            continue
        assert type(value) is METHODS[method], (method, locale, value)
        assert METHODS[method] in ARROW


def test_the_denylist_wins_and_covers_seed_format_files_and_the_clock():
    assert not [m for m in METHODS if denied(m)]
    for method in ("seed", "seed_instance", "format", "parse", "binary", "zip", "file_path", "json", "date_time_this_month",
                   "date_of_birth", "date", "past_date", "unix_time", "credit_card_expire", "month_name"):  # fmt: skip
        assert denied(method) is not None, method
    assert len(DENIED) == 4 and 55 <= len(METHODS) <= 80


def test_allowed_methods_give_the_same_values_in_another_process_with_another_hash_seed():
    script = (
        "from plotsim_dbt.columns.faker_methods import METHODS, PINNED_DATES, trial\n"
        "from datetime import date\n"
        "pinned = {'start_date': date(2020, 1, 1), 'end_date': date(2022, 12, 31)}\n"
        "for m in sorted(METHODS):\n"
        "    print(m, repr(trial(m, {k: pinned[k] for k in PINNED_DATES.get(m, ())}, 'en_US')))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and len(runs[0].splitlines()) == len(METHODS)


# ---------------------------------------------------------------- generated columns


@pytest.fixture(scope="module")
def made():
    columns = (
        {"sector": "faker.industry"},
        {"founded": "faker.year"},
        {"job": "faker.job"},
        {"name": "since", "type": "faker.date_between", "args": {"start_date": "2021-03-01", "end_date": "2021-06-30"}},
        {"name": "mail", "type": "faker.email", "args": {"domain": "example.org"}},
        {"name": "score", "type": "faker.pyint", "args": {"min_value": 5, "max_value": 9}},
        {"rating": "faker.pyfloat"},
        {"open": "faker.pybool"},
    )
    return generate_arrow(ps.create(**faker_kwargs(*columns, reference=({"depot_sector": "faker.industry"},))))


def test_the_method_decides_the_arrow_type_and_values_honour_the_arguments(made):
    shop = made[0]["dim_shop"]
    types = {"sector": pa.string(), "founded": pa.int64(), "job": pa.string(), "since": pa.date32(), "mail": pa.string(),
             "score": pa.int64(), "rating": pa.float64(), "open": pa.bool_()}  # fmt: skip
    assert {name: shop.schema.field(name).type for name in types} == types
    assert all(shop.column(name).null_count == 0 for name in types)
    since = shop.column("since").to_pylist()
    assert min(since) >= date(2021, 3, 1) and max(since) <= date(2021, 6, 30)
    assert all(m.endswith("@example.org") for m in shop.column("mail").to_pylist())
    assert set(shop.column("score").to_pylist()) == set(range(5, 10))
    assert len(set(shop.column("job").to_pylist())) > ENTITIES // 4


def test_the_built_ins_industry_and_year_cover_their_range_evenly(made):
    shop, depot = made[0]["dim_shop"], made[0]["dim_depot"]
    sectors = shop.column("sector").to_pylist() + depot.column("depot_sector").to_pylist()
    counts = np.array([sectors.count(s) for s in INDUSTRIES])
    expected = len(sectors) / len(INDUSTRIES)
    assert counts.min() > 0 and np.abs(counts - expected).max() < 4 * np.sqrt(expected)  # binomial sd < sqrt(mean)
    years = np.array(shop.column("founded").to_pylist())
    assert years.min() >= YEARS[0] and years.max() <= YEARS[1]
    mean, sd = (YEARS[0] + YEARS[1]) / 2, (YEARS[1] - YEARS[0] + 1) / np.sqrt(12)
    assert abs(years.mean() - mean) < 4 * sd / np.sqrt(len(years))


def test_dbt_sees_the_columns_description_and_the_industries_as_accepted_values(made):
    columns = {c.name: c for c in made[1].plan.tables["dim_shop"].columns}
    assert columns["sector"].accepted_values == INDUSTRIES and columns["sector"].not_null
    assert "Faker date_between(start_date=2021-03-01, end_date=2021-06-30)" in columns["since"].description


def test_each_row_takes_its_locales_faker():
    # ja_JP rows have kanji names and Japanese lorem words; en_US rows ASCII both.
    tables, _ = generate_arrow(ps.create(**faker_kwargs({"manager": "name"}, {"motto": "faker.word"}, locale=["en_US", "ja_JP"])))
    shop = tables["dim_shop"]
    latin = [(m.isascii(), w.isascii()) for m, w in zip(shop.column("manager").to_pylist(), shop.column("motto").to_pylist())]
    assert all(a == b for a, b in latin) and 0 < sum(a for a, _ in latin) < len(latin)


def test_the_same_config_and_seed_give_the_same_values_and_another_seed_others():
    kw = faker_kwargs({"phone": "faker.phone_number"}, {"tag": "faker.uuid4"})
    first = generate_arrow(ps.create(**kw))[0]["dim_shop"]
    again = generate_arrow(ps.create(**kw))[0]["dim_shop"]
    other = generate_arrow(ps.create(**{**kw, "seed": kw["seed"] + 1}))[0]["dim_shop"]
    assert first.equals(again)
    assert not set(first.column("tag").to_pylist()) & set(other.column("tag").to_pylist())


# ---------------------------------------------------------------- config errors, one per rule


def test_an_unknown_method_names_the_column_and_the_close_matches():
    err = refused({"role": "faker.jobb"})
    assert err.field == "dimensions.0.columns.2.type" and "column 'role'" in err.message and "did you mean faker.job" in err.message


def test_a_denied_method_says_why_even_when_it_is_a_faker_method():
    err = refused({"role": "faker.date_of_birth"})
    assert err.field == "dimensions.0.columns.2.type" and "never allowed" in err.message and "current time" in err.message
    assert "reseeds" in refused({"role": "faker.seed_instance"}).message


def test_an_unknown_argument_lists_the_close_matches_and_what_the_method_takes():
    err = refused({"name": "score", "type": "faker.pyint", "args": {"maxx": 3}})
    assert err.field == "dimensions.0.columns.2.args"
    assert "no argument 'maxx' (did you mean max_value" in err.message and "it takes min_value, max_value, step" in err.message


def test_arguments_faker_refuses_are_caught_by_the_trial_call():
    err = refused({"name": "score", "type": "faker.pyint", "args": {"min_value": 9, "max_value": 1}})
    assert err.field == "dimensions.0.columns.2.args" and "refuses these arguments" in err.message


def test_at_most_twenty_arguments_of_at_most_4096_characters():
    assert "at most 20" in refused({"name": "c", "type": "faker.pyint", "args": {f"a{i}": 1 for i in range(21)}}).message
    err = refused({"name": "code", "type": "faker.bothify", "args": {"text": "#" * 4097}})
    assert err.field == "dimensions.0.columns.2.args.text" and "at most 4096 characters" in err.message


def test_date_between_needs_both_dates_so_today_never_enters():
    err = refused({"name": "since", "type": "faker.date_between", "args": {"start_date": "-30y"}})
    assert err.field == "dimensions.0.columns.2.args.start_date" and "defaults count from today" in err.message


def test_a_method_a_locale_has_no_data_for_is_refused_at_config_time():
    err = refused({"region": "faker.state"}, locale=["en_US", "fr_FR"])
    assert err.field == "dimensions.0.columns.2.type" and "no data for locale fr_FR" in err.message


def test_a_method_returning_another_type_than_declared_is_refused(monkeypatch):
    monkeypatch.setitem(faker_methods.METHODS, "pyint", str)  # as if a Faker release changed what pyint returns
    err = refused({"score": "faker.pyint"})
    assert err.field == "dimensions.0.columns.2.args" and "returned int, not str" in err.message


# ---------------------------------------------------------------- the reference's spelling

ENGINE_FIXTURE = Path(__file__).parents[2] / "data" / "reference_dialect" / "built" / "engine" / "faker_method.yaml"


def engine_config(tmp_path, *sources: str) -> ps.Config:
    data = yaml.safe_load(ENGINE_FIXTURE.read_text(encoding="utf-8"))
    data["tables"][0]["columns"][1:] = [{"name": f"c{i}", "dtype": "string", "source": s} for i, s in enumerate(sources)]
    path = tmp_path / "faker.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return ps.load_config(path)


def test_reference_arguments_become_dates_and_ints_and_the_seven_stay_vectorised(tmp_path):
    config = engine_config(
        tmp_path,
        "generated:faker.pyint:min_value:3:max_value:4",
        "generated:faker.date_between:start_date:2020-01-01:end_date:2020-01-31",
        "generated:faker.name",
        "generated:faker.email:domain:example.org",
    )
    columns = config.dimensions[0].columns[1:]
    assert [c.type for c in columns] == ["faker.pyint", "faker.date_between", "name", "faker.email"]
    assert columns[0].args == {"min_value": 3, "max_value": 4}
    assert columns[1].args == {"start_date": date(2020, 1, 1), "end_date": date(2020, 1, 31)}
    shop = generate_arrow(config)[0]["dim_shop"]
    assert set(shop.column("c0").to_pylist()) <= {3, 4} and shop.schema.field("c1").type == pa.date32()


def test_reference_argument_errors_name_the_source(tmp_path):
    with pytest.raises(ps.ConfigError) as info:
        engine_config(tmp_path, "generated:faker.pyint:min_value")
    assert info.value.field == "tables.0.columns.1.source" and "faker.<method>:<key>:<value>" in info.value.message
    with pytest.raises(ps.ConfigError) as info:
        engine_config(tmp_path, "generated:faker.pyint:maxx:3")
    assert info.value.field == "tables.0.columns.1.source" and "did you mean max_value" in info.value.message


def test_a_dumped_config_with_faker_columns_reads_back_equal(tmp_path):
    config = ps.create(**faker_kwargs({"founded": "faker.year"}, {"name": "since", "type": "faker.date_between", "args": PINNED}))
    path = tmp_path / "config.yaml"
    path.write_text(dump_config(config), encoding="utf-8")
    assert ps.load_config(path) == config


def test_faker_and_realistic_columns_fill_every_fact_row_the_same_way_each_run():
    """As in the reference (generated:faker.<method> on a per-entity-per-period fact): one value per
    fact row, the same on a second run of the same seed."""
    kw = breadth_kwargs()
    kw["facts"][0]["columns"] += [{"note": "faker.sentence"}, {"agent": "name"}]
    config = ps.create(**kw)
    first, _ = generate_arrow(config)
    second, _ = generate_arrow(config)
    fact = first["fct_shop"]
    assert fact.num_rows == (GROWERS + FALLERS) * 12
    for column in ("note", "agent"):
        values = fact.column(column).to_pylist()
        assert all(isinstance(v, str) and v for v in values) and len(set(values)) > 1
        assert values == second["fct_shop"].column(column).to_pylist()

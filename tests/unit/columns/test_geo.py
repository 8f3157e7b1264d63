"""``geo.<field>`` columns: one place per row, consistent across the row's geo columns and with the
row's locale; several locales per config, each entity in one of them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from breadth_helpers import breadth_kwargs

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.columns.geo import FIELDS, gazetteer, geo_locales

FIXTURES = Path(__file__).parents[2] / "data" / "reference_dialect" / "columns"
LOCALES = ["en_US", "fr_FR", "ja_JP"]
GEO = [{f"shop_{field}": f"geo.{field}"} for field in FIELDS]


def geo_kwargs(locale=LOCALES) -> dict:
    kw = breadth_kwargs(locale=locale)
    kw["dimensions"][0]["columns"] += [*GEO, {"manager": "name"}]
    kw["dimensions"].append(
        {
            "name": "dim_store",
            "grain": "sub_entity",
            "count": 2,
            "columns": [{"store_id": "id"}, {"shop_id": "ref.dim_shop"}, {"store_city": "geo.city"}, {"store_country": "geo.country"}],
        }
    )
    kw["dimensions"].append(
        {
            "name": "dim_depot",
            "grain": "reference",
            "count": 30,
            "columns": [{"depot_id": "id"}, {"depot_city": "geo.city"}, {"depot_code": "geo.country_code"}],
        }
    )
    return kw


@pytest.fixture(scope="module")
def run():
    return generate_arrow(ps.create(**geo_kwargs()))


def place_rows() -> dict[tuple, str]:
    """Every gazetteer place (the geo fields in order) -> its locale."""
    places = gazetteer().to_pylist()
    return {tuple(p[f] for f in FIELDS): p["locale"] for p in places}


def test_every_row_is_one_place_of_one_of_the_locales(run):
    tables, _ = run
    places = place_rows()
    dim = tables["dim_shop"].to_pylist()
    got = [places.get(tuple(row[f"shop_{f}"] for f in FIELDS)) for row in dim]
    assert None not in got and set(got) == set(LOCALES)  # consistent, and every locale is used
    for table, columns in (("dim_store", ("store_city", "store_country")), ("dim_depot", ("depot_city", "depot_code"))):
        known = {
            (p["city"], p["country"] if "country" in columns[1] and "code" not in columns[1] else p["country_code"])
            for p in gazetteer().to_pylist()
            if p["locale"] in LOCALES
        }
        assert {tuple(r[c] for c in columns) for r in tables[table].to_pylist()} <= known


def test_an_entity_keeps_its_locale_for_names_and_places(run):
    """Each entity's manager name comes from the locale of its place: ja_JP names are in Japanese script."""
    tables, _ = run
    dim = tables["dim_shop"].to_pylist()
    for row in dim:
        japanese = any("\u3040" <= ch <= "\u9fff" for ch in row["manager"])
        assert japanese == (row["shop_country_code"] == "JP")
    # sub-entities sit in their entity's locale
    country = {r["shop_id"]: r["shop_country"] for r in dim}
    assert all(country[r["shop_id"]] == r["store_country"] for r in tables["dim_store"].to_pylist())


def test_locales_are_shared_about_evenly(run):
    """Each entity draws its locale uniformly: counts within 4 binomial standard errors of n/k."""
    tables, _ = run
    codes = tables["dim_shop"].column("shop_country_code").to_pylist()
    n, k = len(codes), len(LOCALES)
    for code in ("US", "FR", "JP"):
        assert abs(codes.count(code) - n / k) < 4 * np.sqrt(n * (1 / k) * (1 - 1 / k))


def test_one_locale_uses_only_its_places():
    tables, _ = generate_arrow(ps.create(**geo_kwargs(locale="de_DE")))
    assert set(tables["dim_shop"].column("shop_country_code").to_pylist()) == {"DE"}
    assert set(tables["dim_depot"].column("depot_code").to_pylist()) == {"DE"}


def test_validation_catches_geo_inconsistent_with_its_locale(run):
    tables, _ = run
    config = ps.create(**geo_kwargs())
    assert ps.validate(config, tables).ok
    dim = tables["dim_shop"]
    cities = dim.column("shop_city").to_pylist()
    swapped = dict(tables)
    # one row's city moved to another row's city of another country
    other = next(i for i, c in enumerate(dim.column("shop_country").to_pylist()) if c != dim.column("shop_country")[0].as_py())
    cities[0] = cities[other]
    swapped["dim_shop"] = dim.set_column(dim.schema.get_field_index("shop_city"), "shop_city", pa.array(cities))
    report = ps.validate(config, swapped)
    assert not report.ok and [(i.check, i.table, i.details["rows"]) for i in report.errors] == [("geo_consistency", "dim_shop", 1)]
    # a place of a locale the config does not have
    one_locale = ps.create(**geo_kwargs(locale="en_US"))
    report = ps.validate(one_locale, {**tables, "dim_store": tables["dim_store"]})
    assert {i.check for i in report.errors} == {"geo_consistency"}


def test_an_unknown_geo_field_or_unsupported_locale_is_one_clear_error():
    kw = breadth_kwargs()
    kw["dimensions"][0]["columns"].append({"x": "geo.street"})
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    assert info.value.field == "dimensions.0.columns.2.type" and "geo.city" in str(info.value)
    kw = breadth_kwargs(locale=["en_US", "sv_SE"])
    kw["dimensions"][0]["columns"].append({"x": "geo.city"})
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    assert info.value.field == "dimensions.0.columns.2.type" and "'sv_SE'" in str(info.value)
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**breadth_kwargs(locale=["en_US", "en_US"]))
    assert info.value.field == "locale"


def test_the_gazetteer_is_well_formed():
    places = gazetteer()
    assert len(geo_locales()) >= 10
    for locale in geo_locales():
        mine = places.filter(pc.equal(places.column("locale"), locale))
        assert len(mine) >= 7 and len(set(mine.column("country_code").to_pylist())) == 1
        assert len(set(mine.column("city").to_pylist())) == len(mine)
    lat, lon = places.column("latitude").to_numpy(), places.column("longitude").to_numpy()
    assert (np.abs(lat) <= 90).all() and (np.abs(lon) <= 180).all()


@pytest.mark.parametrize("path", ["builder/geo.yaml", "engine/geo.yaml", "builder/locales.yaml", "engine/locales.yaml"])
def test_the_reference_geo_and_locales_load_and_generate(path):
    config = ps.load_config(FIXTURES / path)
    tables, _ = generate_arrow(config)
    assert ps.validate(config, tables).ok
    if "geo" in path:
        assert set(tables["dim_shop"].column("country").to_pylist()) == {"United States"}
    else:
        assert len(config.locales) == 2


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_geo_passes_validation(fmt, tmp_path):
    """Numeric postcodes with a leading zero (Boston 02108) survive the CSV reader's typing in the check."""
    result = ps.run(ps.create(**geo_kwargs(locale=["en_US", "de_DE"])), tmp_path / "out", format=fmt)
    assert result.report.ok and "geo_consistency" in result.report.checks_run

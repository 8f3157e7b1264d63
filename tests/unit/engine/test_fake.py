"""Fake string columns: vectorised draws from Faker's locale data, a pure function of the uniforms."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from plotsim_dbt.engine import fake
from plotsim_dbt.engine.fake import FAKE_KINDS, check_locale, fake_column, uniforms_needed

EMAIL = re.compile(r"^[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+$")
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "ru_RU", "ja_JP", "zh_CN")


def uniforms(kind: str, rows: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((rows, uniforms_needed(kind)))


def person_provider(locale: str):
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", FAKE_KINDS)
def test_every_kind_gives_one_nonempty_string_per_row(kind, locale):
    column = fake_column(kind, locale, uniforms(kind, 500))
    assert isinstance(column, pa.Array)
    assert column.type == pa.string()
    assert len(column) == 500
    assert column.null_count == 0
    assert pc.min(pc.utf8_length(column)).as_py() > 0
    assert column.to_pylist() == [v.strip() for v in column.to_pylist()]


@pytest.mark.parametrize("kind", FAKE_KINDS)
def test_zero_rows_give_an_empty_string_array(kind):
    column = fake_column(kind, "en_US", np.empty((0, uniforms_needed(kind))))
    assert column.type == pa.string() and len(column) == 0


@pytest.mark.parametrize("kind", FAKE_KINDS)
def test_same_uniforms_give_identical_values_even_after_the_caches_are_rebuilt(kind):
    u = uniforms(kind, 2000, seed=3)
    first = fake_column(kind, "de_DE", u)
    assert fake_column(kind, "de_DE", u.copy()).equals(first)
    for cached in (fake._people, fake._company, fake._city, fake._countries, fake._email_domains):
        cached.cache_clear()
    assert fake_column(kind, "de_DE", u).equals(first)


@pytest.mark.parametrize("kind", FAKE_KINDS)
def test_each_row_depends_only_on_its_own_uniforms(kind):
    # Batches may split rows anywhere: a row's value must not depend on its neighbours.
    u = uniforms(kind, 300, seed=4)
    whole = fake_column(kind, "en_US", u).to_pylist()
    parts = fake_column(kind, "en_US", u[:7]).to_pylist() + fake_column(kind, "en_US", u[7:]).to_pylist()
    assert parts == whole
    assert fake_column(kind, "en_US", u[::-1]).to_pylist() == whole[::-1]


@pytest.mark.parametrize("kind", FAKE_KINDS)
def test_different_uniforms_give_different_values(kind):
    a = fake_column(kind, "en_US", uniforms(kind, 200, seed=1)).to_pylist()
    b = fake_column(kind, "en_US", uniforms(kind, 200, seed=2)).to_pylist()
    assert a != b
    assert len(set(a)) > 20


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "ru_RU", "ja_JP", "zh_CN", "el_GR", "ar_AA"])
def test_emails_are_lowercase_ascii_first_last_two_digits_at_a_free_domain(locale):
    emails = fake_column("email", locale, uniforms("email", 3000)).to_pylist()
    domains = set(importlib.import_module(f"faker.providers.internet.{locale}").Provider.free_email_domains)
    for email in emails:
        assert EMAIL.match(email), email
        local, domain = email.split("@")
        first, last = local.split(".")
        assert first and last[:-2], email
        assert 10 <= int(last[-2:]) <= 99, email
        assert domain in domains
    assert len(set(emails)) > 2900


def test_email_letters_are_transliterated_not_dropped():
    def ascii_last_names(locale):
        people = fake._people(locale)
        return dict(zip(people.last.values.to_pylist(), people.last_ascii.to_pylist()))

    assert ascii_last_names("de_DE")["Bähr"] == "baehr"  # the locale's own replacement, as in Faker
    assert ascii_last_names("ru_RU")["Смирнов"] == "smirnov"
    assert ascii_last_names("ja_JP")["佐藤"] == "sato"  # romaji, not the Chinese reading of the kanji


@pytest.mark.parametrize("locale", ["en_US", "ru_RU", "de_DE", "zh_CN"])
def test_person_kinds_on_shared_uniforms_describe_one_person(locale):
    u = uniforms("email", 1000, seed=5)
    first = fake_column("first_name", locale, u[:, :1]).to_pylist()
    last = fake_column("last_name", locale, u[:, :2]).to_pylist()
    name = fake_column("name", locale, u[:, :2]).to_pylist()
    email = fake_column("email", locale, u).to_pylist()
    people = fake._people(locale)
    ascii_first = dict(zip(people.first.values.to_pylist(), people.first_ascii.to_pylist()))
    ascii_last = dict(zip(people.last.values.to_pylist(), people.last_ascii.to_pylist()))
    for f, surname, n, e in zip(first, last, name, email):
        assert n in (f"{f} {surname}", f"{surname}{f}"), (f, surname, n)
        assert e.startswith(f"{ascii_first[f]}.{ascii_last[surname]}"), (f, surname, e)


def test_weighted_first_names_follow_fakers_weights():
    weights = person_provider("en_US").first_names
    top = max(weights, key=weights.get)
    share = weights[top] / sum(weights.values())
    rows = 200_000
    tolerance = 5 * np.sqrt(share * (1 - share) / rows)
    assert abs(share - 1 / len(weights)) > 5 * tolerance  # the test can tell weighted from uniform
    names = fake_column("first_name", "en_US", uniforms("first_name", rows, seed=11))
    observed = pc.sum(pc.equal(names, top)).as_py() / rows
    assert abs(observed - share) < tolerance


def test_unweighted_lists_never_draw_outside_the_locale_data():
    provider = person_provider("fr_FR")
    names = fake_column("name", "fr_FR", uniforms("name", 5000)).to_pylist()
    firsts, lasts = set(provider.first_names), set(provider.last_names)
    for name in names:
        first, last = name.split(" ", 1)
        assert first in firsts and last in lasts, name


def test_gendered_family_names_match_the_first_name():
    provider = person_provider("ru_RU")
    female_first, female_last = set(provider.first_names_female), set(provider.last_names_female)
    male_first, male_last = set(provider.first_names_male), set(provider.last_names_male)
    genders = []
    for name in fake_column("name", "ru_RU", uniforms("name", 4000)).to_pylist():
        first, last = name.split(" ")
        if first in female_first:
            assert last in female_last, name
            genders.append(1)
        else:
            assert first in male_first and last in male_last, name
            genders.append(0)
    assert 0.45 < np.mean(genders) < 0.55


def test_family_name_first_languages_put_it_first():
    zh = person_provider("zh_CN")
    for name in fake_column("name", "zh_CN", uniforms("name", 300)).to_pylist():
        assert " " not in name and any(name.startswith(last) for last in zh.last_names), name
    ja = person_provider("ja_JP")
    for name in fake_column("name", "ja_JP", uniforms("name", 300)).to_pylist():
        last, first = name.split(" ")
        assert last in ja.last_names and first in ja.first_names, name


def test_en_us_companies_follow_a_faker_format():
    provider = importlib.import_module("faker.providers.company.en_US").Provider
    suffixes = tuple(" " + s for s in provider.company_suffixes)
    companies = fake_column("company", "en_US", uniforms("company", 3000)).to_pylist()
    for company in companies:
        assert company.endswith(suffixes) or "-" in company or " and " in company, company
    three = [c for c in companies if ", " in c and " and " in c]
    assert three and all(len(c.replace(" and ", ", ").split(", ")) == 3 for c in three)
    assert sum(c.endswith(suffixes) for c in companies) > 500


@pytest.mark.parametrize("locale, module", [("de_DE", "company.de_DE"), ("fr_FR", "company.fr_FR"), ("en_GB", "company")])
def test_other_locales_use_their_own_company_suffixes(locale, module):
    provider = importlib.import_module(f"faker.providers.{module}").Provider  # en_GB has none: generic
    suffixes = tuple(" " + s for s in provider.company_suffixes)
    companies = fake_column("company", locale, uniforms("company", 2000)).to_pylist()
    assert sum(c.endswith(suffixes) for c in companies) > 300


def test_cities_come_from_the_locale():
    de = set(importlib.import_module("faker.providers.address.de_DE").Provider.cities)
    assert set(fake_column("city", "de_DE", uniforms("city", 2000)).to_pylist()) <= de
    us = importlib.import_module("faker.providers.address.en_US").Provider
    cities = fake_column("city", "en_US", uniforms("city", 2000)).to_pylist()
    assert any(c.split(" ")[0] in us.city_prefixes for c in cities)
    assert any(c.endswith(tuple(us.city_suffixes)) for c in cities)


def test_countries_come_from_the_locale_and_are_not_mojibake():
    fr = set(importlib.import_module("faker.providers.address.fr_FR").Provider.countries)
    assert set(fake_column("country", "fr_FR", uniforms("country", 3000)).to_pylist()) <= fr
    pl = set(fake_column("country", "pl_PL", uniforms("country", 20000)).to_pylist())
    assert "Côte d'Ivoire" in pl and not any("Ã" in c for c in pl)


def test_check_locale():
    for locale in ("en_US", "de_DE", "fr_FR", "ja_JP", "en"):
        check_locale(locale)
    for locale in ("xx_XX", "en_us", "", "../person", "en_US.UTF-8"):
        with pytest.raises(ValueError, match="locale: unknown Faker locale"):
            check_locale(locale)
    with pytest.raises(ValueError, match="locale: unknown Faker locale 'xx_XX'"):
        fake_column("name", "xx_XX", uniforms("name", 3))


def test_unknown_kind():
    with pytest.raises(ValueError, match="type: unknown fake kind 'phone'"):
        uniforms_needed("phone")
    with pytest.raises(ValueError, match="type: unknown fake kind"):
        fake_column("phone", "en_US", np.zeros((3, 1)))


def test_uniforms_needed():
    assert uniforms_needed("name") == 2
    assert uniforms_needed("email") == 4
    # person kinds read a prefix of one shared layout (see test_person_kinds_on_shared_uniforms...)
    assert uniforms_needed("first_name") <= uniforms_needed("last_name") == uniforms_needed("name")
    assert all(isinstance(uniforms_needed(k), int) and 1 <= uniforms_needed(k) <= 8 for k in FAKE_KINDS)
    # company formats with three last names (en_US "A, B and C") need a uniform each, plus the format
    assert uniforms_needed("company") >= 4


@pytest.mark.parametrize(
    "u",
    [
        np.zeros(10),  # 1-D
        np.zeros((10, 3)),  # wrong width
        np.zeros((10, 2, 1)),  # 3-D
        np.full((10, 2), 1.0),  # 1 is outside [0, 1)
        np.full((10, 2), -0.1),
        np.full((10, 2), np.nan),
        np.zeros((10, 2), dtype=np.int64),
    ],
)
def test_uniforms_of_the_wrong_shape_or_range_are_rejected(u):
    with pytest.raises(ValueError, match="fake name: uniforms"):
        fake_column("name", "en_US", u)

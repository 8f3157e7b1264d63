"""Realistic string columns (names, emails, companies, cities, countries) from Faker's locale data.

Faker's generator methods cost a Python call per value, far too slow for millions of rows. Here
the provider *data* (name lists and their weights, company and city formats, suffixes, country
lists, email domains) is read once per locale and cached; every row is then an index into those
vocabularies, chosen by the caller's uniforms, and the strings are assembled with Arrow compute.
``fake_column`` is a pure function of (kind, locale, uniforms): randomness stays with the caller's
streams. The values do depend on the installed Faker's data, which can change between releases.

Locale data is uneven, so each vocabulary falls back in order: the locale's provider (which already
inherits from its language class, e.g. es_CA from es_ES), the language module (en_GB -> en), then
Faker's generic provider. Weighted data (an OrderedDict name -> weight) is sampled by weight;
tuples and lists are sampled by entry, so a repeated entry counts twice, as in Faker.

Where a locale has gendered family names (ru_RU Smirnov / Smirnova, cs_CZ, is_IS -son / -dottir)
the first-name uniform also picks the gender: male and female names each hold half of [0, 1) and
the last name is drawn from the matching list, so "name" stays coherent with two uniforms.
The person kinds share their first uniform columns: given the same uniforms, first_name, last_name,
name and email describe one person.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FAKE_KINDS = ("name", "first_name", "last_name", "email", "company", "city", "country")

# Company and city formats fill at most this many placeholders, one uniform column each.
TEMPLATE_SLOTS = 4

# The person kinds share one layout: column 0 picks the first name (and gender), column 1 the last
# name, so the same uniforms give the same person's first_name, last_name, name and email.
_UNIFORMS = {
    "name": 2,
    "first_name": 1,
    "last_name": 2,  # the first-name column too: it decides the gender of gendered family names
    "email": 4,  # person, then two digits, then domain
    "company": 1 + TEMPLATE_SLOTS,  # format, then one per placeholder
    "city": 1 + TEMPLATE_SLOTS,
    "country": 1,
}

# Languages that write the family name first, and the separator they use.
_FAMILY_NAME_FIRST = {"zh": "", "ko": "", "ja": " ", "hu": " "}

# Placeholders not filled: a handful of real brands would repeat across thousands of rows.
_SKIPPED_PLACEHOLDERS = frozenset({"large_company"})
# Provider attributes holding the data of placeholders whose plural is not simply "<name>s".
_PLACEHOLDER_DATA = {
    "city_name": ("cities", "city_names"),
    "city": ("cities", "communes", "city_names"),
    "real_city_name": ("real_city_names",),
    "state_name": ("states",),
    "country": ("countries",),
}
# Lists of real city names, preferred over synthesised ones when the locale has one.
_CITY_LISTS = ("cities", "city_names", "real_city_names", "communes")

_LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]+$")
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]")
_TWO_DIGITS = pa.array([str(n) for n in range(10, 100)], pa.string())


def uniforms_needed(kind: str) -> int:
    """How many uniforms in [0, 1) per row ``fake_column`` consumes for this kind."""
    _check_kind(kind)
    return _UNIFORMS[kind]


def check_locale(locale: str) -> None:
    """Raise ValueError unless Faker has person data for this locale, suggesting the close ones."""
    if not _known_locale(locale):
        from faker.config import AVAILABLE_LOCALES  # imported late: it scans Faker's providers

        known = {name.lower(): name for name in AVAILABLE_LOCALES if _known_locale(name)}
        close = [known[k] for k in difflib.get_close_matches(str(locale).lower(), known, n=4, cutoff=0.6)] or ["en_US", "en_GB", "de_DE"]
        raise ValueError(f"locale: unknown Faker locale {locale!r}; did you mean {', '.join(close)}?")


def fake_column(kind: str, locale: str, u: np.ndarray) -> pa.Array:
    """A pa.string() array of len(u) values; u has shape (rows, uniforms_needed(kind)), values in [0, 1).

    Pure function of (kind, locale, u): same inputs give identical output."""
    _check_kind(kind)
    check_locale(locale)
    u = _check_uniforms(kind, u)
    if kind == "name":
        return _names(locale, u)
    if kind == "first_name":
        people = _people(locale)
        return people.first.values.take(people.first.sample(u[:, 0]))
    if kind == "last_name":
        people = _people(locale)
        return people.last.values.take(_name_pair(people, u[:, 0], u[:, 1])[1])
    if kind == "email":
        return _emails(locale, u)
    if kind == "company":
        return _company(locale).render(u)
    if kind == "city":
        return _city(locale).render(u)
    countries = _countries(locale)
    return countries.values.take(countries.sample(u[:, 0]))


# ---------------------------------------------------------------------------------------------
# Validation


def _check_kind(kind: str) -> None:
    if kind not in _UNIFORMS:
        raise ValueError(f"type: unknown fake kind {kind!r}; use one of {', '.join(FAKE_KINDS)}")


@cache
def _known_locale(locale: str) -> bool:
    if not isinstance(locale, str) or not _LOCALE_PATTERN.match(locale):
        return False
    return importlib.util.find_spec(f"faker.providers.person.{locale}") is not None


def _check_uniforms(kind: str, u: np.ndarray) -> np.ndarray:
    u = np.asarray(u)
    need = _UNIFORMS[kind]
    if u.ndim != 2 or u.shape[1] != need:
        raise ValueError(f"fake {kind}: uniforms must have shape (rows, {need}), got {u.shape}")
    if not np.issubdtype(u.dtype, np.floating):
        raise ValueError(f"fake {kind}: uniforms must be floats in [0, 1), got dtype {u.dtype}")
    u = u.astype(np.float64, copy=False)
    if u.size and not bool(np.all((u >= 0.0) & (u < 1.0))):
        raise ValueError(f"fake {kind}: uniforms must lie in [0, 1)")
    return u


# ---------------------------------------------------------------------------------------------
# Weighted vocabularies


@dataclass(frozen=True)
class _Vocab:
    """Strings with cumulative weights. Grouped vocabularies span [0, groups): each group
    (e.g. male, female) holds a unit interval, so a target g + u picks from group g."""

    values: pa.Array
    cum: np.ndarray

    @property
    def span(self) -> float:
        return float(self.cum[-1])

    def index(self, target: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self.cum, target, side="right")
        return np.minimum(idx, len(self.cum) - 1)

    def sample(self, u: np.ndarray) -> np.ndarray:
        return self.index(u * self.span)


_Entries = tuple[list[str], np.ndarray]


def _entries(data: object, strip: bool = True) -> _Entries | None:
    """(values, weights) of provider data: a mapping value -> weight or a sequence of values."""
    if isinstance(data, Mapping):
        pairs = list(data.items())
    elif isinstance(data, Sequence) and not isinstance(data, str):
        pairs = [(value, 1.0) for value in data]
    else:
        return None  # missing, or a property / method rather than data
    values, weights = [], []
    for value, weight in pairs:
        if not isinstance(value, str) or isinstance(weight, bool) or not isinstance(weight, int | float):
            continue
        value = _repair(value)
        if strip:
            value = value.strip()
            if not value:
                continue
        if weight > 0 and np.isfinite(weight):
            values.append(value)
            weights.append(float(weight))
    if not values:
        return None
    return values, np.asarray(weights)


def _repair(text: str) -> str:
    """Undo UTF-8 read as Latin-1 (Faker's generic country list has "CÃ´te d'Ivoire")."""
    if "Ã" in text or "Â" in text:
        try:
            return text.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
    return text


def _vocab(*groups: _Entries) -> _Vocab:
    """One vocabulary from one or more groups, each normalised to a unit interval."""
    values: list[str] = []
    cums = []
    for offset, (group_values, weights) in enumerate(groups):
        values.extend(group_values)
        cum = np.cumsum(weights) / weights.sum()
        cum[-1] = 1.0
        cums.append(offset + cum)
    return _Vocab(pa.array(values, pa.string()), np.concatenate(cums))


# ---------------------------------------------------------------------------------------------
# Provider data


@cache
def _provider(kind: str, locale: str) -> type:
    """The locale's provider class, else its language's, else Faker's generic one."""
    language = locale.split("_")[0]
    for name in (f"faker.providers.{kind}.{locale}", f"faker.providers.{kind}.{language}"):
        if importlib.util.find_spec(name) is not None:
            return importlib.import_module(name).Provider
    return importlib.import_module(f"faker.providers.{kind}").Provider


def _own(provider: type, generic: type, attribute: str, strip: bool = True) -> _Entries | None:
    """Provider data unless it is merely inherited from Faker's generic placeholder data."""
    value = getattr(provider, attribute, None)
    if value is None or value is getattr(generic, attribute, None):
        return None
    return _entries(value, strip)


@dataclass(frozen=True)
class _People:
    first: _Vocab
    last: _Vocab
    gendered: bool  # first and last both span [0, 2): male names, then female names
    first_ascii: pa.Array  # email-safe forms, aligned with first.values
    last_ascii: pa.Array


@cache
def _people(locale: str) -> _People:
    provider = _provider("person", locale)
    generic = importlib.import_module("faker.providers.person").Provider

    def own(attribute: str) -> _Entries | None:
        return _own(provider, generic, attribute)

    first_male, first_female = own("first_names_male"), own("first_names_female")
    last_male, last_female = own("last_names_male"), own("last_names_female")
    stems = own("last_names_without_suffix")  # is_IS: patronymics built from the father's name
    if stems is not None and (last_male is None or last_female is None):
        last_male = ([s + "son" for s in stems[0]], stems[1])
        last_female = ([s + "dóttir" for s in stems[0]], stems[1])
    gendered = (
        first_male is not None and first_female is not None and last_male is not None and last_female is not None and last_male[0] != last_female[0]
    )
    if gendered:
        first = _vocab(first_male, first_female)
        last = _vocab(last_male, last_female)
    else:
        split_first = [g for g in (first_male, first_female, own("first_names_unisex")) if g is not None]
        split_last = [g for g in (last_male, last_female) if g is not None]
        if (single := own("first_names")) is not None:
            first = _vocab(single)
        elif split_first:
            first = _vocab(*split_first)
        else:
            first = _vocab(_entries(generic.first_names))
        if (single := own("last_names") or own("unisex_last_names")) is not None:
            last = _vocab(single)
        elif split_last:
            last = _vocab(*split_last)
        else:
            last = _vocab(_entries(generic.last_names))
    replacements = _replacements(locale)
    return _People(
        first=first,
        last=last,
        gendered=gendered,
        first_ascii=_ascii_array(first.values, replacements, "user", _romanized(provider, "first")),
        last_ascii=_ascii_array(last.values, replacements, "mail", _romanized(provider, "last")),
    )


def _romanized(provider: type, part: str) -> dict[str, str]:
    """name -> Latin spelling where the provider lists them side by side (ja_JP kanji -> romaji);
    unidecode would read Japanese kanji as Chinese."""
    names = getattr(provider, f"{part}_names", None)
    latin = getattr(provider, f"{part}_romanized_names", None)
    if not all(isinstance(x, Sequence) and not isinstance(x, str) for x in (names, latin)):
        return {}
    if len(names) != len(latin):
        return {}
    return {n: r for n, r in zip(names, latin) if isinstance(n, str) and isinstance(r, str)}


def _name_pair(people: _People, u_first: np.ndarray, u_last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a first and last name; in gendered locales the last name follows the first's gender."""
    target = u_first * people.first.span
    first = people.first.index(target)
    if people.gendered:
        gender = np.minimum(np.floor(target), 1.0)
        return first, people.last.index(gender + u_last)
    return first, people.last.sample(u_last)


def _names(locale: str, u: np.ndarray) -> pa.Array:
    people = _people(locale)
    first, last = _name_pair(people, u[:, 0], u[:, 1])
    first_names, last_names = people.first.values.take(first), people.last.values.take(last)
    separator = _FAMILY_NAME_FIRST.get(locale.split("_")[0])
    if separator is None:
        return pc.binary_join_element_wise(first_names, last_names, " ")
    return pc.binary_join_element_wise(last_names, first_names, separator)


# ---------------------------------------------------------------------------------------------
# Emails


@cache
def _replacements(locale: str) -> tuple[tuple[str, str], ...]:
    """The locale's own transliterations for emails (de_DE: u-umlaut -> ue), if any."""
    pairs = getattr(_provider("internet", locale), "replacements", ())
    return tuple((a, b) for a, b in pairs if isinstance(a, str) and isinstance(b, str) and a)


def _ascii_word(text: str, replacements: tuple[tuple[str, str], ...]) -> str:
    """Lowercase [a-z0-9] form of a name: locale replacements, then Faker's unidecode table
    (Cyrillic, CJK, Greek ...), then NFKD with combining marks dropped."""
    from faker.decode import unidecode

    for search, replace in replacements:
        text = text.replace(search, replace)
    text = unidecode(text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_ASCII_WORD.sub("", text.lower())


def _ascii_array(values: pa.Array, replacements: tuple[tuple[str, str], ...], fallback: str, latin: dict[str, str]) -> pa.Array:
    words = [_ascii_word(latin.get(v, v), replacements) or fallback for v in values.to_pylist()]
    return pa.array(words, pa.string())


@cache
def _email_domains(locale: str) -> _Vocab:
    generic = importlib.import_module("faker.providers.internet").Provider
    for source in (_provider("internet", locale), generic):
        entries = _entries(getattr(source, "free_email_domains", None))
        if entries is None:
            continue
        kept = [(d.lower(), w) for d, w in zip(*entries) if _DOMAIN.match(d.lower())]
        if kept:
            return _vocab(([d for d, _ in kept], np.asarray([w for _, w in kept])))
    raise RuntimeError("faker has no usable free_email_domains")  # pragma: no cover


def _emails(locale: str, u: np.ndarray) -> pa.Array:
    people = _people(locale)
    domains = _email_domains(locale)
    first, last = _name_pair(people, u[:, 0], u[:, 1])
    digits = np.minimum((u[:, 2] * 90).astype(np.int64), 89)
    return pc.binary_join_element_wise(
        people.first_ascii.take(first),
        ".",
        people.last_ascii.take(last),
        _TWO_DIGITS.take(digits),
        "@",
        domains.values.take(domains.sample(u[:, 3])),
        "",
    )


# ---------------------------------------------------------------------------------------------
# Formats: company and city


@dataclass(frozen=True)
class _Template:
    literals: tuple[str, ...]  # one more than slots: text before, between and after placeholders
    slots: tuple[_Vocab, ...]

    def fill(self, u: np.ndarray) -> pa.Array:
        pieces: list[object] = []
        for i, slot in enumerate(self.slots):
            if self.literals[i]:
                pieces.append(self.literals[i])
            pieces.append(slot.values.take(slot.sample(u[:, 1 + i])))
        if self.literals[-1]:
            pieces.append(self.literals[-1])
        if len(pieces) == 1:
            return pieces[0]
        return pc.binary_join_element_wise(*pieces, "")


@dataclass(frozen=True)
class _Templates:
    templates: tuple[_Template, ...]
    cum: np.ndarray  # cumulative format weights

    def render(self, u: np.ndarray) -> pa.Array:
        """Row i uses the format picked by u[i, 0]; placeholder k is filled from u[i, 1 + k]."""
        n = len(u)
        if len(self.templates) == 1:
            return _tidy(self.templates[0].fill(u))
        which = np.searchsorted(self.cum, u[:, 0] * self.cum[-1], side="right")
        which = np.minimum(which, len(self.templates) - 1)
        order = np.argsort(which, kind="stable")
        counts = np.bincount(which, minlength=len(self.templates))
        chunks, start = [], 0
        for template, count in zip(self.templates, counts):
            if count:
                chunks.append(template.fill(u[order[start : start + count]]))
                start += count
        if not chunks:
            return pa.array([], pa.string())
        grouped = pa.concat_arrays(chunks)
        inverse = np.empty(n, dtype=np.int64)
        inverse[order] = np.arange(n)
        return _tidy(grouped.take(inverse))


def _tidy(values: pa.Array) -> pa.Array:
    """Trim the edge spaces a format leaves when a part is empty (zh_TW has an empty suffix)."""
    return pc.utf8_trim_whitespace(values)


def _placeholder_vocab(name: str, provider: type, people: _People) -> _Vocab | None:
    """Names come from the person vocabulary; anything else from the provider's data list
    (company_suffix -> company_suffixes, city_prefix -> city_prefixes ...), if it has one."""
    if name == "first_name":
        return people.first
    if name == "last_name":
        return people.last
    if name in _SKIPPED_PLACEHOLDERS:
        return None
    attributes = _PLACEHOLDER_DATA.get(name)
    if attributes is None:
        attributes = (name + "s", name + "es") + ((name[:-1] + "ies",) if name.endswith("y") else ())
    for attribute in attributes:
        entries = _entries(getattr(provider, attribute, None), strip=False)
        if entries is not None:
            return _vocab(entries)
    return None


def _templates(formats: object, provider: type, people: _People) -> _Templates | None:
    """The formats whose placeholders all have data, at most TEMPLATE_SLOTS of them, at least one."""
    entries = _entries(formats)
    if entries is None:
        return None
    templates, weights = [], []
    for fmt, weight in zip(*entries):
        parts = _PLACEHOLDER.split(fmt)
        names = parts[1::2]
        if not names or len(names) > TEMPLATE_SLOTS:
            continue
        slots = [_placeholder_vocab(name, provider, people) for name in names]
        if any(slot is None for slot in slots):
            continue
        templates.append(_Template(tuple(parts[0::2]), tuple(slots)))
        weights.append(weight)
    if not templates:
        return None
    return _Templates(tuple(templates), np.cumsum(weights))


@cache
def _company(locale: str) -> _Templates:
    provider = _provider("company", locale)
    generic = importlib.import_module("faker.providers.company").Provider
    people = _people(locale)
    found = _templates(getattr(provider, "formats", None), provider, people)
    if found is None:  # no usable format: "Last Suffix"
        found = _templates(("{{last_name}} {{company_suffix}}",), provider, people)
    if found is None:
        found = _templates(("{{last_name}} {{company_suffix}}",), generic, people)
    return found


@cache
def _city(locale: str) -> _Templates:
    provider = _provider("address", locale)
    generic = importlib.import_module("faker.providers.address").Provider
    people = _people(locale)
    for attribute in _CITY_LISTS:  # real city names beat synthesised ones
        entries = _own(provider, generic, attribute)
        if entries is not None:
            return _Templates((_Template(("", ""), (_vocab(entries),)),), np.ones(1))
    found = _templates(getattr(provider, "city_formats", None), provider, people)
    if found is None:
        found = _templates(generic.city_formats, generic, people)
    return found


@cache
def _countries(locale: str) -> _Vocab:
    generic = importlib.import_module("faker.providers.address").Provider
    entries = _entries(getattr(_provider("address", locale), "countries", None))
    return _vocab(entries or _entries(generic.countries))

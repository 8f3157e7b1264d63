"""``locale``: the Faker locale (or distinct locales, one picked per entity) realistic columns
draw names, companies and places from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine.fake import check_locale

if TYPE_CHECKING:
    from .models import Config


def check_locales(config: Config) -> None:
    locales = [config.locale] if isinstance(config.locale, str) else config.locale
    if not locales or len(set(locales)) != len(locales):
        raise ValueError("locale: give a locale such as en_US, or a list of distinct locales")
    for one in locales:
        check_locale(one)

"""``metrics``: what is measured per entity and period: type or distribution, range, polarity,
lags behind another metric, decimals, own noise and scaling, and the checks across the metrics."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from .base import DECIMAL_PRECISION, MAX_DECIMALS, Frozen, Identifier, check_unique
from .noise import Noise
from .scaling import ScaledBy
from .vocabulary import DEFAULT_FAMILY, FAMILY_ALIASES, FAMILY_PARAMS, METRIC_TYPES

if TYPE_CHECKING:
    from .models import Config


class Metric(Frozen):
    name: Identifier
    type: Literal["score", "amount", "count", "index"] | None = Field(
        None, description="score (0-1 or a range), amount (money-like, needs range), count, index (needs range)."
    )
    polarity: Literal["positive", "negative"] = Field("positive", description="negative metrics fall as the trajectory rises (churn risk, tickets).")
    label: str | None = None
    range: tuple[float, float] | None = Field(
        None,
        alias="value_range",
        description="[low, high]. Values are clamped into it; for count it is the span of the expected count.",
    )
    follows: str | None = Field(None, description="Metric this one trails; needs delay.")
    delay: int | None = Field(None, ge=1, description="Periods by which this metric trails `follows`.")
    blend_weight: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Share of the lagged driver in the follower's position; the rest is the entity's own position "
        "(1 = the driver's alone). Needs follows.",
    )
    decay_window: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="Adstock: the follower reads a weighted mean of the driver over this many periods ending "
        "`delay` periods back, instead of one period. Needs follows.",
    )
    decay_kernel: Literal["geometric", "linear"] = Field(
        "geometric",
        description="Weights of the decay window, newest first: geometric 1, 1/2, 1/4, ...; linear W, W-1, ..., 1.",
    )
    seasonal_sensitivity: float = Field(1.0, description="Multiplies the seasonal lift: 0 immune, -0.5 inverted.")
    distribution: str | None = Field(None, description="logitnormal, normal, lognormal, beta, gamma, poisson, weibull.")
    distribution_params: dict[str, float] = Field(default_factory=dict, alias="params")
    decimals: int | None = Field(
        None,
        description=f"Decimal places values are rounded to (0-{MAX_DECIMALS}, ties to even); default 2 for amount, "
        "full precision for score and index; counts are whole numbers.",
    )
    noise: Noise | None = Field(None, description="This metric's own noise, in place of the config's noise (a preset name or a mapping).")
    scaled_by: ScaledBy | None = Field(
        None,
        description="Tie the metric to an attribute of the entity dimension: its value (range per unit) times the factor of "
        "the label in force (e.g. the plan tier's price).",
    )

    @field_validator("decimals", mode="before")
    @classmethod
    def _places(cls, value: Any) -> Any:
        # Checked by hand: pydantic would take 2.0, "2" and True as 2, and word the error for types.
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DECIMALS):
            raise ValueError(f"decimal places must be a whole number from 0 to {MAX_DECIMALS}, got {value!r}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _engine_spelling(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("range", "value_range"):
                value = data.get(key)
                if isinstance(value, dict):
                    data = {**data, key: (value.get("min"), value.get("max"))}
        return data

    @field_validator("distribution")
    @classmethod
    def _family(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = FAMILY_ALIASES.get(value, value)
        if value not in FAMILY_PARAMS:
            raise ValueError(f"unknown distribution {value!r}; use one of {', '.join(FAMILY_PARAMS)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Metric:
        if self.type is None and self.distribution is None:
            raise ValueError(f"type: metric {self.name!r} needs a type ({', '.join(METRIC_TYPES)}) or a distribution")
        if self.range is not None:
            low, high = self.range
            if low is None or high is None or not low < high:
                raise ValueError(f"range: {self.name!r} needs [low, high] with low < high, got {list(self.range)}")
        elif self.type in ("amount", "index") or (self.type is None and self.distribution != "poisson"):
            raise ValueError(f"range: metric {self.name!r} of type {self.type or self.family} needs a range, e.g. range: [10, 500]")
        if (self.follows is None) != (self.delay is None):
            raise ValueError(f"delay: {self.name!r} needs follows and delay together (follows: other_metric, delay: 2)")
        if self.follows == self.name:
            raise ValueError(f"follows: metric {self.name!r} cannot follow itself")
        if self.follows is None and (self.blend_weight != 1.0 or self.decay_window is not None):
            field = "decay_window" if self.decay_window is not None else "blend_weight"
            raise ValueError(f"{field}: {self.name!r} shapes a lag, so it needs follows and delay; add them or remove {field}")
        if self.places is not None:
            self._check_places()
        allowed = FAMILY_PARAMS[self.family]
        for key, value in self.distribution_params.items():
            if key not in allowed:
                expected = ", ".join(allowed) or "no parameters"
                raise ValueError(f"distribution_params: {self.family} of {self.name!r} takes {expected}, not {key!r}")
            if value <= 0 and not (key == "sigma" and value == 0):
                raise ValueError(f"distribution_params: {self.family} parameter {key} of {self.name!r} must be positive")
        return self

    @property
    def family(self) -> str:
        return self.distribution or DEFAULT_FAMILY[self.type or "score"]

    def _check_places(self) -> None:
        if self.family == "poisson":
            if self.decimals:
                raise ValueError(f"decimals: {self.name!r} is a count (whole numbers); drop decimals or give 0")
            return  # stored as integers, with no upper cap
        low, high = self.bounds
        if max(abs(low), abs(high)) >= 10.0 ** (DECIMAL_PRECISION - self.places):
            digits = DECIMAL_PRECISION - self.places
            raise ValueError(
                f"decimals: {self.places} decimal places leave {digits} digits before the point "
                f"(DECIMAL({DECIMAL_PRECISION}, {self.places})), too few for the range {list(self.bounds)} of {self.name!r}"
            )
        lowest, highest = rounded_inward(low, high, self.places)
        if lowest > highest:
            raise ValueError(f"decimals: no value with {self.places} decimal places lies in the range {list(self.bounds)} of {self.name!r}")

    @property
    def places(self) -> int | None:
        """Decimal places values are rounded to: as declared, 0 for counts, 2 for amounts; None keeps full precision."""
        if self.family == "poisson":
            return 0
        if self.decimals is not None:
            return self.decimals
        return 2 if self.type == "amount" else None

    @property
    def bounds(self) -> tuple[float, float]:
        """The range the centre moves across (defaults: score [0, 1], count [0, 10])."""
        if self.range is not None:
            return self.range
        return (0.0, 10.0) if self.family == "poisson" else (0.0, 1.0)


def rounded_inward(low: float, high: float, places: int) -> tuple[float, float]:
    """The smallest and largest values with ``places`` decimals inside [low, high], worked out in
    decimal from the bounds as written, so a rounded value never leaves the declared range."""
    step = Decimal(1).scaleb(-places)
    return (
        float(Decimal(repr(float(low))).quantize(step, rounding=ROUND_CEILING)),
        float(Decimal(repr(float(high))).quantize(step, rounding=ROUND_FLOOR)),
    )


def check_metric_names(config: Config) -> None:
    check_unique("metrics", [m.name for m in config.metrics])


def check_follows(config: Config) -> None:
    """Every ``follows`` names a declared metric, and no chain of them comes back to its start."""
    names = [m.name for m in config.metrics]
    for i, metric in enumerate(config.metrics):
        if metric.follows is not None and metric.follows not in names:
            raise ValueError(f"metrics.{i}.follows: {metric.follows!r} is not a declared metric")
    _check_no_cycles(config.metrics)


def _check_no_cycles(metrics: list[Metric]) -> None:
    follows = {m.name: m.follows for m in metrics}
    for start in follows:
        path, current = [start], follows[start]
        while current is not None:
            if current in path:
                cycle = " -> ".join(path[path.index(current) :] + [current])
                raise ValueError(f"metrics: follows makes a cycle ({cycle}); a metric cannot trail itself")
            path.append(current)
            current = follows[current]

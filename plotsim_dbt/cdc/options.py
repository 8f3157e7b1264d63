"""The ``cdc:`` option of a fact or of the entity dimension: ``true`` (defaults) or a mapping."""

from __future__ import annotations

from pydantic import Field, model_validator

from ..config.base import Frozen


class CdcOptions(Frozen):
    update_rate: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Facts: share of rows first delivered with a preliminary value "
        "(x0.8-1.2) and corrected to the final value by an update in the following period.",
    )
    delete_rate: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Share of rows (facts) or entities (dimension) hard-deleted at a "
        "uniform time between their last change and the window end; an entity an event ends is always "
        "deleted in the period after its end.",
    )
    late_rate: float = Field(0.0, ge=0.0, le=1.0, description="Share of changes delivered late: committed up to late_by periods after they happened.")
    late_by: int = Field(1, ge=1, le=12, description="Periods a late change may trail its change time.")
    duplicate_rate: float = Field(
        0.0, ge=0.0, le=1.0, description="Share of changes delivered twice (same _seq), the copy within a period after the first."
    )
    out_of_order_rate: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Share of changes whose commit is held back by up to out_of_order_window hours, so later changes may commit first.",
    )
    out_of_order_window: float = Field(0.0, ge=0.0, le=24 * 366, description="Hours an out-of-order commit may trail its change.")
    batch_every: int = Field(
        1, ge=1, description="Periods per snapshot batch: batch n holds what was committed by the end of period n x batch_every."
    )

    @model_validator(mode="after")
    def _window(self) -> CdcOptions:
        if (self.out_of_order_rate > 0) != (self.out_of_order_window > 0):
            raise ValueError("out_of_order_window: out-of-order commits need both out_of_order_rate and out_of_order_window above 0")
        return self


def cdc_options(value: bool | CdcOptions | None) -> CdcOptions | None:
    """The options a table's ``cdc:`` asks for (None: no change feed)."""
    if value is None or value is False:
        return None
    return CdcOptions() if value is True else value

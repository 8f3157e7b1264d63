"""Change data capture: a change feed per table that asks for one (``cdc:``), its delivery faults
(late, duplicate, out-of-order commits), snapshot batches read through ``plotsim_batch``, and the
truth of both (every true change, and the SCD2 history a correct dbt snapshot holds after each
batch). The modules register themselves with the plan, the engine and the truth registry."""

"""The reference generator's ``plotsim.builder`` import path, so its Python configs run with
``plotsim`` swapped for ``plotsim_dbt`` (see ``input``)."""

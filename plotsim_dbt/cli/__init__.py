"""The plotsim-dbt command line."""

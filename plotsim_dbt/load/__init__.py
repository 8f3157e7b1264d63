"""Loading a generated warehouse into a database server, for dbt projects that read it as sources."""

"""dbt integration: the runtime behind the Python models, scaffolding and project setup."""

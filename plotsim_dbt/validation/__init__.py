"""Post-generation validation: the checks (``checks.py``) and their report (``report.py``)."""

from .checks import CHECKS, validate_relations, validate_tables
from .report import SEVERITIES, ValidationIssue, ValidationReport

__all__ = ["CHECKS", "SEVERITIES", "ValidationIssue", "ValidationReport", "validate_relations", "validate_tables"]

#!/usr/bin/env bash
# Seed 002, "A complete ML-ready config": the document's shell block (plotsim -> plotsim-dbt).
set -euo pipefail

plotsim-dbt template saas -o saas_ml.yaml
# Edit saas_ml.yaml: append entity_features: true and a holdout block
# (the bundled saas template already sets both, so only append what is missing).
grep -q '^entity_features:' saas_ml.yaml || echo 'entity_features: true' >> saas_ml.yaml
grep -q '^holdout:' saas_ml.yaml || echo 'holdout: {target: churn_risk, periods: 4}' >> saas_ml.yaml
# entity_features and holdout both require quality empty: the template declares none.
grep -q '^quality:' saas_ml.yaml || echo 'quality: []' >> saas_ml.yaml
grep -E '^(entity_features|holdout|quality):' saas_ml.yaml
plotsim-dbt run saas_ml.yaml -o ./data --validate

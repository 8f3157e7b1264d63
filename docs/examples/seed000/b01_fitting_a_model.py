"""Seed 000, "Fitting a Model" (latent_calendar -> plotsim_dbt.calendar)."""

from plotsim_dbt.calendar.generate import wide_format_dataframe
from plotsim_dbt.calendar import LatentCalendar

df = wide_format_dataframe(n_rows=50, rate=2.0, random_state=0)

model = LatentCalendar(n_components=5, random_state=0)
model.fit(df)

# --- checks (not part of the seed) ---
if __name__ == "__main__":
    print(f"df shape: {df.shape}")
    print(f"components shape: {model.components_.shape}")
    print(f"normalized row sums: {model.normalized_components_.sum(axis=1).round(6).tolist()}")
    print(f"component distribution sum: {model.component_distribution_.sum():.6f}")

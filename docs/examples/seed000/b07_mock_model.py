"""Seed 000, "Sampling Without Real Data (Mock Model)"."""

from plotsim_dbt.calendar import DummyModel
from plotsim_dbt.calendar.segments import create_box_segment

mornings = create_box_segment(day_start=0, day_end=5, hour_start=7, hour_end=10, name="Weekday mornings")

model = DummyModel.from_prior(mornings)
sampler = model.create_sampler(random_state=0)

df_weights, df_events = sampler.sample(n_samples=[20, 30, 15])

# --- checks (not part of the seed) ---
print(f"segment slots: {mornings.sum()}")
print(f"weights: {df_weights[0].tolist()}")
print(f"row sums: {df_events.sum(axis=1).tolist()}")
outside = df_events.to_numpy()[:, mornings.to_numpy() == 0].sum()
print(f"events outside the segment: {outside}")

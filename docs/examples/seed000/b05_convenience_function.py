"""Seed 000, "Convenience Function"."""

from b01_fitting_a_model import model  # "Fitting a Model"

from plotsim_dbt.calendar.generate import sample_from_latent_calendar

df_weights, df_events = sample_from_latent_calendar(model, n_samples=[10, 5, 20], random_state=42)

# --- checks (not part of the seed) ---
if __name__ == "__main__":
    import pandas as pd

    again = model.create_sampler(random_state=42).sample(n_samples=[10, 5, 20])
    print(f"weights shape: {df_weights.shape}")
    print(f"events shape: {df_events.shape}")
    print(f"row sums: {df_events.sum(axis=1).tolist()}")
    print(f"same as create_sampler(42).sample: {df_events.equals(again[1]) and df_weights.equals(again[0])}")

"""Seed 000, "Sampling a Single User"."""

from b02_creating_a_sampler import sampler  # the block before

df_weights, df_events = sampler.sample_events(n=10)

# df_weights: (1, n_components) — the user's mixture over patterns
# df_events:  (1, 168)          — event counts across the weekly time slots
print(df_events.sum(axis=1))  # sums to 10

# --- checks (not part of the seed) ---
print(f"weights shape: {df_weights.shape}")
print(f"events shape: {df_events.shape}")
print(f"row sums: {df_events.sum(axis=1).tolist()}")
print(f"weight sums: {df_weights.sum(axis=1).round(6).tolist()}")

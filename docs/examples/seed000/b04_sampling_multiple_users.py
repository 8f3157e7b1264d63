"""Seed 000, "Sampling Multiple Users"."""

from b02_creating_a_sampler import sampler  # two blocks before

df_weights, df_events = sampler.sample(n_samples=[10, 5, 20])

# df_weights: (3, n_components)
# df_events:  (3, 168)
print(df_events.sum(axis=1))  # [10, 5, 20]

# --- checks (not part of the seed) ---
print(f"weights shape: {df_weights.shape}")
print(f"events shape: {df_events.shape}")
print(f"row sums: {df_events.sum(axis=1).tolist()}")
print(f"weight sums: {df_weights.sum(axis=1).round(6).tolist()}")

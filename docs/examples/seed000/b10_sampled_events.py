"""Seed 000, "Model Components" -> sampling six users."""

from b09_model_components import df_segments, model  # the block before

sampler = model.create_sampler(random_state=0)
df_weights, df_events = sampler.sample(n_samples=[10, 20, 15, 25, 30, 18])
# df_weights: (6, 4) — each user's mixture over Mornings, Afternoons, Evenings, Weekends
# df_events:  (6, 168) — event counts per time slot

df_events.cal.plot_by_row(max_cols=2)

# --- checks (not part of the seed) ---
import matplotlib.pyplot as plt

plt.savefig("sampled_events.png")
print(f"weights shape: {df_weights.shape}")
print(f"events shape: {df_events.shape}")
print(f"row sums: {df_events.sum(axis=1).tolist()}")
union = df_segments.to_numpy().sum(axis=0) > 0
print(f"events outside all segments: {df_events.to_numpy()[:, ~union].sum()}")
print(df_events.cal.sum_over_segments(df_segments))

"""Seed 000, "Controlling Variance Across Users"."""

from b11_weights import model  # the block before

# Low variance — users closely reflect the population prior
sampler = model.create_sampler(random_state=0, concentration_scale=1.0)

# High variance — users are more individually distinctive
sampler = model.create_sampler(random_state=0, concentration_scale=5.0)

# --- checks (not part of the seed) ---
import numpy as np

n_users = 20_000
pi = model.component_distribution_
rows = []
for label, kwargs in [
    ("scale=1.0", dict(concentration_scale=1.0)),
    ("scale=5.0", dict(concentration_scale=5.0)),
    ("concentration=50", dict(concentration=50.0)),
]:
    weights, _ = model.create_sampler(random_state=0, **kwargs).sample([0] * n_users)
    theta = weights.to_numpy()
    rows.append((label, theta.var(axis=0).sum(), np.abs(theta - pi).sum(axis=1).mean()))
    print(f"{label}: total weight variance {rows[-1][1]:.4f}, mean L1 distance to prior {rows[-1][2]:.3f}")
print(f"variance ratio scale 5 / scale 1: {rows[1][1] / rows[0][1]:.2f}")
print(f"theory (A=1): scale 1 = {(pi * (1 - pi)).sum() / 2:.4f}, concentration 50 = {(pi * (1 - pi)).sum() / 51:.4f}")

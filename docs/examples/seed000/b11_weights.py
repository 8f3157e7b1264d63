"""Seed 000, "Pass weights to make some segments more likely"."""

from b08_multiple_segments import DummyModel, df_segments  # "Sampling from Multiple Segments"

# Mornings 3x more likely, Afternoons 2x, Evenings 1x, Weekends 2x
model = DummyModel.from_segments(df_segments, weights=[3, 2, 1, 2])

# --- checks (not part of the seed) ---
if __name__ == "__main__":
    unweighted = DummyModel.from_segments(df_segments)
    print(f"unweighted distribution: {unweighted.component_distribution_.round(4).tolist()}")
    print(f"weighted distribution: {model.component_distribution_.round(4).tolist()}")
    same = bool(abs(model.normalized_components_ - unweighted.normalized_components_).max() == 0)
    print(f"slot distributions unchanged: {same}")

"""Seed 000, "Defined Segments" -> model and its components."""

from b08_multiple_segments import DummyModel, df_segments  # the block before

model = DummyModel.from_segments(df_segments)
from plotsim_dbt.calendar.plot import plot_model_components

plot_model_components(model, max_cols=2)

# --- checks (not part of the seed) ---
if __name__ == "__main__":
    import matplotlib.pyplot as plt

    plt.savefig("model_components.png")
    print(f"n_components: {model.n_components}")
    print(f"component distribution: {model.component_distribution_.round(4).tolist()}")
    print(f"normalized row sums: {model.normalized_components_.sum(axis=1).round(6).tolist()}")

"""Seed 000, "Sampling from Multiple Segments" (defining the segments)."""

from plotsim_dbt.calendar import DummyModel
from plotsim_dbt.calendar.segments import create_box_segment, stack_segments

mornings = create_box_segment(day_start=0, day_end=5, hour_start=7, hour_end=10, name="Mornings")
evenings = create_box_segment(day_start=0, day_end=5, hour_start=18, hour_end=22, name="Evenings")
afternoons = create_box_segment(day_start=0, day_end=7, hour_start=12, hour_end=17, name="Afternoons")
weekends = create_box_segment(day_start=5, day_end=7, hour_start=12, hour_end=16, name="Weekends")
df_segments = stack_segments([mornings, afternoons, evenings, weekends])
df_segments.cal.plot_by_row(max_cols=2)

# --- checks (not part of the seed) ---
if __name__ == "__main__":
    import matplotlib.pyplot as plt

    plt.savefig("defined_segments.png")
    for name, size in df_segments.sum(axis=1).items():
        print(f"segment {name}: {size} slots")
    print(f"segments shape: {df_segments.shape}")

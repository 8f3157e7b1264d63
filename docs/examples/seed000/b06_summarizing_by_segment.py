"""Seed 000, "Summarizing by Segment"."""

from b05_convenience_function import df_events  # the block before

from plotsim_dbt.calendar.segments import create_box_segment, stack_segments

mornings = create_box_segment(day_start=0, day_end=7, hour_start=6, hour_end=11, name="Mornings")
evenings = create_box_segment(day_start=0, day_end=7, hour_start=17, hour_end=22, name="Evenings")
df_segments = stack_segments([mornings, evenings])

# Count how many events each user had in each segment
df_events.cal.sum_over_segments(df_segments)

# --- checks (not part of the seed) ---
df_counts = df_events.cal.sum_over_segments(df_segments)
print(df_counts)
print(f"segment slots: Mornings={mornings.sum()} Evenings={evenings.sum()}")
print(f"counts shape: {df_counts.shape}")
print(f"counts within totals: {bool((df_counts.sum(axis=1) <= df_events.sum(axis=1)).all())}")
by_hand = df_events.to_numpy() @ df_segments.to_numpy().T
print(f"matches hand computation: {bool((df_counts.to_numpy() == by_hand).all())}")

"""Seed 000, "Creating a Sampler"."""

from b01_fitting_a_model import model  # the block before

sampler = model.create_sampler(random_state=42)

# --- checks (not part of the seed) ---
if __name__ == "__main__":
    print(f"sampler: {sampler!r}")

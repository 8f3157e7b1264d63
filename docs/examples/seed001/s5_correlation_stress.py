"""Seed 001, section 5: correlation stress test."""

from _prelude import *  # noqa: F403


def realized_corr(rel_word):
    cfg = fixed_seed(
        create(
            about=f"Correlation: {rel_word}",
            unit="account",
            window=("2024-01", "2024-12", "monthly"),
            metrics=[
                {"name": "a", "type": "score", "polarity": "positive"},
                {"name": "b", "type": "score", "polarity": "positive"},
            ],
            connections=[f"a {rel_word} b"],
            segments=[
                {"name": "g", "count": 100, "archetype": "growth"},
                {"name": "d", "count": 100, "archetype": "decline"},
            ],
        )
    )
    tables = generate_tables(cfg, np.random.default_rng(cfg.seed))
    return tables["fct_account"][["a", "b"]].corr().iloc[0, 1]


target = {"inverts": -0.75, "opposes": -0.55, "independent": 0.0, "driven_by": 0.55, "mirrors": 0.75}
rows = [(word, t, realized_corr(word)) for word, t in target.items()]
df = pd.DataFrame(rows, columns=["word", "target", "realized"])
print(df.round(3))
# Monotonic ordering check — stronger configured words should produce
# stronger realized signals.
print("\nRanks (target vs realized):")
print(
    pd.DataFrame(
        {
            "target_rank": df["target"].rank().astype(int).tolist(),
            "realized_rank": df["realized"].rank().astype(int).tolist(),
        },
        index=df["word"],
    )
)

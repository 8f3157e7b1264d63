"""Seed 001, section 3: train/holdout with known future."""

from _prelude import *  # noqa: F403

cfg = fixed_seed(
    create(
        about="Holdout experiment",
        unit="account",
        window=("2023-01", "2024-12", "monthly"),
        metrics=[{"name": "engagement", "type": "score", "polarity": "positive"}],
        segments=[{"name": "core", "count": 50, "archetype": "growth"}],
        holdout={"target": "engagement", "periods": 4},
    )
)
tables, state = generate_tables_with_state(cfg, np.random.default_rng(cfg.seed))
manifest = build_manifest(
    cfg,
    state.trajectories,
    tables,
    scd_state=state.scd,
    bridge_state=state.bridges,
)
out = Path("./out_ds_holdout")
write_tables(tables, cfg, output_dir=out, manifest=manifest)
train = pd.read_csv(out / "fct_account_train.csv")
holdout = pd.read_csv(out / "fct_account_holdout.csv")
print(f"Train periods: {train['date_key'].nunique()}, holdout periods: {holdout['date_key'].nunique()}")
from sklearn.linear_model import LinearRegression

date_index = tables["dim_date"][["date_key", "period_index"]].set_index("date_key")["period_index"]
errors = []
for aid, grp_tr in train.groupby("account_id"):
    grp_ho = holdout[holdout["account_id"] == aid]
    x_tr = grp_tr["date_key"].map(date_index).to_numpy().reshape(-1, 1)
    x_ho = grp_ho["date_key"].map(date_index).to_numpy().reshape(-1, 1)
    m = LinearRegression().fit(x_tr, grp_tr["engagement"])
    errors.extend((m.predict(x_ho) - grp_ho["engagement"].to_numpy()).tolist())
print(f"Holdout MAE: {np.mean(np.abs(errors)):.4f}")

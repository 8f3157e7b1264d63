"""Speed of plotsim_dbt.calendar next to the reference library latent-calendar.

Run ``python bench/bench_calendar.py [--users 100000] [--events 20] [--repeats 3] [--quick]``.

Prints:

1. Sampler: users x events per user from seed 000's four-segment ``DummyModel`` (K = 4) and
   from a fitted 10-component ``LatentCalendar``: seconds (best of ``--repeats``) and events/s of

   * ours: ``create_sampler(...).sample([events] * users)``, vectorised across users;
   * a per-user loop: the reference's algorithm (one Dirichlet, one ``choice`` and one
     inverse-CDF per user) re-implemented here with numpy, as a yardstick;
   * the reference's own ``create_sampler`` when the installed ``latent_calendar`` has it (only
     its main branch does; the PyPI wheel 1.8.0 does not), otherwise a one-line note.

2. LDA fit: 2,000 users x 50 events sampled from a known three-box model, fitted with
   ``LatentCalendar(n_components=3, random_state=0)`` by us and, when ``import latent_calendar``
   works, by the reference (both are scikit-learn's ``LatentDirichletAllocation`` underneath):
   seconds (best of ``--repeats``) and the matched cosine similarity of the fitted components to
   the truth (Hungarian matching).

The project does not depend on latent-calendar: install it into a throwaway environment
(``pip install latent-calendar``) to get the side-by-side figures. No test asserts on timings.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plotsim_dbt.calendar import FULL_VOCAB, DummyModel, LatentCalendar  # noqa: E402
from plotsim_dbt.calendar.segments import create_box_segment, stack_segments  # noqa: E402


def best_of(fn, repeats: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def per_user_loop(pi: np.ndarray, beta: np.ndarray, counts: np.ndarray, seed: int) -> np.ndarray:
    """The reference's sampling algorithm, user by user (our re-implementation, for timing)."""
    rng = np.random.default_rng(seed)
    n_users, n_components = counts.size, pi.size
    theta = np.empty((n_users, n_components))
    for u in range(n_users):
        theta[u] = rng.dirichlet(pi)
    cum_beta = np.cumsum(beta, axis=1)
    out = np.zeros((n_users, beta.shape[1]), dtype=np.int64)
    for u in range(n_users):
        n = int(counts[u])
        if n == 0:
            continue
        z = rng.choice(n_components, size=n, p=theta[u])
        draws = rng.random((n, 1))
        slots = (draws > cum_beta[z]).sum(axis=1)
        np.add.at(out[u], slots, 1)
    return out


def seed000_segments():
    return stack_segments(
        [
            create_box_segment(0, 5, 7, 10, name="Mornings"),
            create_box_segment(0, 7, 12, 17, name="Afternoons"),
            create_box_segment(0, 5, 18, 22, name="Evenings"),
            create_box_segment(5, 7, 12, 16, name="Weekends"),
        ]
    )


def three_boxes():
    return stack_segments(
        [
            create_box_segment(0, 5, 7, 10, name="Weekday mornings"),
            create_box_segment(0, 5, 18, 22, name="Weekday evenings"),
            create_box_segment(5, 7, 10, 16, name="Weekend middays"),
        ]
    )


def matched_cosine(fitted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    from scipy.optimize import linear_sum_assignment

    a = fitted / np.linalg.norm(fitted, axis=1, keepdims=True)
    b = truth / np.linalg.norm(truth, axis=1, keepdims=True)
    cos = a @ b.T
    rows, cols = linear_sum_assignment(-cos)
    return cos[rows, cols][np.argsort(cols)]


def reference_module():
    try:
        with warnings.catch_warnings():  # it re-registers the .cal accessor over ours
            warnings.simplefilter("ignore", UserWarning)
            import latent_calendar  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0]
    import importlib.metadata

    try:
        version = importlib.metadata.version("latent-calendar")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return latent_calendar, version


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=float, default=1e5)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop-users", type=float, default=None, help="users for the per-user loop (default: --users)")
    parser.add_argument("--quick", action="store_true", help="1e4 users, 1 repeat")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.repeats = 1e4, 1
    n_users = int(args.users)
    loop_users = int(args.loop_users or n_users)
    ref, ref_info = reference_module()
    print(f"numpy {np.__version__}; reference latent_calendar: {ref_info if ref is None else 'version ' + ref_info}")

    # 1. sampler
    print(f"\nSampler: {n_users:,} users x {args.events} events ({n_users * args.events:,} events), best of {args.repeats}")
    print(f"{'model':<28}{'implementation':<34}{'seconds':>10}{'events/s':>14}")
    from plotsim_dbt.calendar.generate import wide_format_dataframe

    fitted10 = LatentCalendar(n_components=10, random_state=0).fit(wide_format_dataframe(200, rate=1.0, random_state=0))
    models = [("seed 000 segments (K=4)", DummyModel.from_segments(seed000_segments())), ("fitted LDA (K=10)", fitted10)]
    counts = [args.events] * n_users
    for label, model in models:
        secs, (_, events) = best_of(lambda model=model: model.create_sampler(random_state=0).sample(counts), args.repeats)
        assert int(events.to_numpy().sum()) == n_users * args.events
        print(f"{label:<28}{'ours (vectorised)':<34}{secs:>10.3f}{n_users * args.events / secs:>14,.0f}")
        loop_counts = np.full(loop_users, args.events)
        secs_loop, _ = best_of(
            lambda model=model, loop_counts=loop_counts: per_user_loop(model.component_distribution_, model.normalized_components_, loop_counts, 0), 1
        )
        scaled = secs_loop * n_users / loop_users
        note = "" if loop_users == n_users else f" (x{n_users / loop_users:g} from {loop_users:,})"
        print(f"{'':<28}{'per-user loop (ref. algorithm)':<34}{scaled:>10.3f}{n_users * args.events / scaled:>14,.0f}{note}")
        if ref is not None:
            ref_model = getattr(ref, "DummyModel", None)
            if not hasattr(getattr(ref, "LatentCalendar", object), "create_sampler"):
                print(f"{'':<28}{'reference create_sampler':<34}  skipped: this latent_calendar has none (PyPI 1.8.0 lacks it)")
            else:
                rmodel = ref_model.from_segments(seed000_segments()) if label.startswith("seed") else _ref_copy(ref, model)
                secs_ref, _ = best_of(lambda rmodel=rmodel: rmodel.create_sampler(random_state=0).sample(counts), 1)
                print(f"{'':<28}{'reference create_sampler':<34}{secs_ref:>10.3f}{n_users * args.events / secs_ref:>14,.0f}")

    # 2. LDA fit
    truth = DummyModel.from_segments(three_boxes())
    _, events = truth.create_sampler(random_state=0).sample([50] * 2000)
    print(f"\nLDA fit: 2,000 users x 50 events, 3 components, best of {args.repeats}")
    print(f"{'implementation':<34}{'seconds':>10}  matched cosine to truth")
    secs, model = best_of(lambda: LatentCalendar(n_components=3, random_state=0).fit(events), args.repeats)
    cos = matched_cosine(model.normalized_components_, truth.normalized_components_)
    print(f"{'plotsim_dbt.calendar':<34}{secs:>10.3f}  {np.round(cos, 4).tolist()}")
    if ref is None:
        print(f"{'latent_calendar':<34}{'skipped':>10}  ({ref_info})")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            secs_ref, rmodel = best_of(lambda: ref.LatentCalendar(n_components=3, random_state=0).fit(events), args.repeats)
        rcos = matched_cosine(rmodel.normalized_components_, truth.normalized_components_)
        print(f"{'latent_calendar ' + ref_info:<34}{secs_ref:>10.3f}  {np.round(rcos, 4).tolist()}")
        same = np.allclose(rmodel.components_, model.components_)
        print(f"identical fitted components: {same}")


def _ref_copy(ref, model):
    """A reference DummyModel carrying our fitted components (for its sampler)."""
    return ref.DummyModel.from_segments(pd.DataFrame(model.components_, columns=FULL_VOCAB))


if __name__ == "__main__":
    main()

"""The summary's first section: explained predictions as users meet them (``explained.json``)."""

from __future__ import annotations

SETUPS = {
    "default_install": "default install (`make run`: SQLite, default settings)",
    "production": "production (gunicorn config, MariaDB)",
    "mlflow_serve_sklearn_flavor": "`mlflow models serve`, sklearn flavour",
}
LOADS = (
    ("1 row, **default request (explained)**, 1 client", "one_row_default_c1", "one_row_c1"),
    ("1 row, **default request (explained)**, 8 clients", "one_row_default_c8", "one_row_c8"),
    ("1 row, 8 clients, a new connection per request", None, "one_row_c8_close"),
    ("1 row, `explain: false`, 1 client", "one_row_unexplained_c1", None),
    ("1 row, `explain: false`, 8 clients", "one_row_unexplained_c8", None),
    ("1,000-row batches explained, 2 clients", "batch_1000_explained_c2", "batch_1000_c2"),
    ("1,000-row batches `explain: false`, 2 clients", "batch_1000_unexplained_c2", None),
)


def _cell(load: dict | None) -> str:
    if load is None:
        return "–"
    errors = load["non_2xx"] + load["timeouts"] + load["connect_errors"] + load["read_errors"]
    text = (
        f"{load['requests_per_s']:.0f} req/s · {load['p50_ms']:.1f} / {load['p99_ms']:.1f} ms "
        f"· CPU {load['server_cpu_ms_per_request']:.2f} ms/req"
    )
    if "rows_per_s" in load:
        text += f" · {load['rows_per_s']:,.0f} rows/s"
    return text + (f" · **{errors} errors**" if errors else "")


def _ratio(target: dict) -> str:
    """``×4.9 met (rounds ×4.7–×5.1)``: the median of the rounds' ratios and their range."""
    text = f"×{target['ratio']} {_met(target['met'])}"
    if len(rounds := target.get("rounds", [])) > 1:
        text += f" (rounds ×{min(rounds)}–×{max(rounds)})"
    return text


def _met(flag: bool) -> str:
    return "**met**" if flag else "**not met**"


def explained_section(result: dict) -> list[str]:
    setups, page, targets = result["setups"], result["page_explanation"], result["targets"]
    rows = [
        "## Explained predictions, as users meet them",
        "",
        f"Champion: `{page['candidate']}`. Explanations: {page['method']}. The API's default "
        "request explains (`explain: true`); every prediction is stored and audited, explained "
        f"or not. {result['workers']} worker processes per server on 127.0.0.1, the three "
        f"servers side by side; {result.get('rounds', 1)} rounds in which each wrk keep-alive "
        f"load of {result['seconds_per_load']} s runs on each server in turn (after a 2 s "
        "warm-up), so that a change of the shared machine's speed lands on all of them. Cells, "
        "each the median of the rounds: requests/s · "
        "p50 / p99 latency · server CPU time per request (user + system time of the server's "
        "processes over the load, `/proc`). The default install differs from `make run` only "
        "by raised API rate limits (the load generator would be throttled). Load average "
        f"when this part started: {result['machine']['load_average_at_start']:.1f} on "
        f"{result['machine']['cpus']} CPUs shared with other work, so absolute figures are "
        "low; compare cells within this table.",
        "",
        "| load | " + " | ".join(SETUPS.values()) + " |",
        "|---|---|---|---|",
    ]
    peer_loads = setups["mlflow_serve_sklearn_flavor"]
    for label, ours, peer in LOADS:
        if peer and peer not in peer_loads:
            continue  # a load this run did not measure
        if ours is None:  # gunicorn's sync workers close every connection: the row above
            cells = ["as above (a sync worker closes every connection)"] * 2
        else:
            cells = [_cell(setups[name].get(ours)) for name in ("default_install", "production")]
        cells.append(_cell(peer_loads.get(peer)) if peer else "–")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    rows += _stall(setups, targets)
    rows += [
        "",
        f"Result page's explanation (the champion explaining one case, in process): median "
        f"{page['median_ms']:.3f} ms, p99 {page['p99_ms']:.3f} ms.",
        "",
        "| target (issue 19) | default install | production |",
        "|---|---|---|",
    ]
    goals = (
        ("explained one-row CPU ≤ 2× unexplained (8 clients)", "explained_cpu_vs_unexplained"),
        ("explained one-row req/s, 8 clients ≥ 5× MLflow sklearn", "explained_c8_vs_mlflow"),
        ("explained batch rows/s ≥ 1× MLflow sklearn", "explained_batch_rows_vs_mlflow"),
    )
    for label, key in goals:
        cells = [targets[name][key] for name in ("default_install", "production")]
        rows.append(f"| {label} | " + " | ".join(map(_ratio, cells)) + " |")
    page_goal = targets["page_explanation_ms"]
    rows.append(
        f"| result page's explanation ≤ 2 ms | {page_goal['median_ms']:.3f} ms "
        f"{_met(page_goal['met'])} | (same model) |"
    )
    return rows + [""]


def _stall(setups: dict, targets: dict) -> list[str]:
    """What MLflow's one-row figure is made of, when the run measured it both ways."""
    peer = setups["mlflow_serve_sklearn_flavor"]
    if "one_row_c8_close" not in peer:
        return []
    ratios = [targets[name].get("explained_c8_vs_mlflow_new_connections", {}).get("ratio")
              for name in ("default_install", "production")]  # fmt: skip
    return [
        "",
        "With keep-alive clients (wrk, any pooled HTTP client) MLflow's server, in its "
        "two-worker mode, answers one row in "
        f"{peer['one_row_c1']['p50_ms']:.0f} ms at 1 client and "
        f"{peer['one_row_c8']['p50_ms']:.0f} ms at 8 (p50), far more than its CPU time: its rate "
        "there is not bound by its CPU, ours is, so the ratio moves with the host's speed "
        "([serving.md](serving.md#mlflows-one-row-figure)). With a new connection per request "
        f"it answers {peer['one_row_c8_close']['requests_per_s']:.0f} req/s; the explained "
        f"one-row request against that: ×{ratios[0]} (default install), ×{ratios[1]} "
        "(production). The issue's target compares with MLflow as keep-alive clients meet it.",
    ]


def attribution_section(result: dict) -> list[str]:
    rows = [
        "### Explanation cost of every candidate type (`--only attribution`)",
        "",
        f"Each candidate fitted on the reference cases; one-row explanation times over "
        f"{result['cases']} cases (what a result page or an explained API request computes), "
        "1,000 rows explained at once, and the permutation estimate used before (3 antithetic "
        f"orderings, {result['background_rows']} background rows) with its largest gap from "
        "the exact values, same run. For the tree, the forests and the original recipe both "
        "estimate the same Shapley values of the probability: the gap is the permutation "
        "estimate's error. For the log-odds models and the soft vote the permutation explained "
        "the probability, the exact method the log-odds scaled to probability points: the gap "
        "is mostly that difference of definition (large opposite log-odds contributions of a "
        "saturated case become large opposite points).",
        "",
        "| candidate | exact: median / p99 ms | permutation: median ms | × faster | exact, "
        "1,000 rows: rows/s | largest gap (points) | page ≤ 2 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in result["models"].items():
        rows.append(
            f"| `{name}` | {m['exact_ms']['median']:.3f} / {m['exact_ms']['p99']:.3f} | "
            f"{m['permutation_ms']['median']:.1f} | {m['speedup']} | "
            f"{m['exact_batch_rows_per_s']:,} | {100 * m['permutation_max_gap_points']:.1f} "
            f"| {_met(m['page_goal_met'])} |"
        )
    return rows + [""]

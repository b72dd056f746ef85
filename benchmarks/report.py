"""The Markdown summary of ``benchmarks/results/*.json``: ``benchmarks/README.md``."""

from __future__ import annotations

import json

from benchmarks.common import RESULTS, ROOT
from benchmarks.report_explained import attribution_section, explained_section

SUMMARY = ROOT / "benchmarks" / "README.md"


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _goal(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def write() -> str:
    """``benchmarks/README.md`` from the results on disk, one section per part that has run."""
    results = {name: _load(name) for name, _ in _SECTIONS()}
    lines = ["# Benchmarks", ""]
    first = next(results[n] for n in _HEADER_FROM if results.get(n))
    m = first["machine"]
    lines += [
        f"Run {m['date']} at commit `{m['commit']}` with `make bench`, on {m['cpus']} × "
        f"{m['cpu']}, {m['memory_gib']} GiB, {m['os']}, Python {m['python']}. Versions: "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
        + ". Only ratios between peers measured in the same run mean anything; absolute "
        "times depend on this small shared machine. Raw figures: `benchmarks/results/*.json`. "
        "Load and fault tests (50 clinicians through the web pages, database restart, SIGTERM): "
        "[reliability.md](reliability.md), from `make reliability-figures`. Where a stored "
        "prediction's time goes, and what was tried: [serving.md](serving.md). Training time "
        "in detail: [training.md](training.md).",
        "",
    ]
    for name, section in _SECTIONS():
        if results[name]:
            lines += section(results[name])
    SUMMARY.write_text("\n".join(lines) + "\n")
    return str(SUMMARY)


_HEADER_FROM = ("explained", "serving", "inference", "batch", "training", "spark")


def _SECTIONS() -> list[tuple[str, object]]:  # noqa: N802 - a table, built when called
    """Each part's result file and the function writing its section, in the summary's order."""
    return [
        ("explained", explained_section),
        ("attribution", attribution_section),
        ("serving", _serving),
        ("inference", _inference),
        ("batch", _batch),
        ("spark", _spark),
        ("reports", _reports),
        ("audit", _audit),
        ("monitoring_page", _monitoring_page),
        ("imaging", _imaging),
        ("training", _training),
    ]


PEERS = {
    "mlflow_models_serve": "MLflow, champion pyfunc",
    "mlflow_serve_sklearn_flavor": "MLflow, sklearn flavour",
}
LOADS = {
    "one_row_c1": "1 row, 1 client",
    "one_row_c8": "1 row, 8 clients",
    "one_row_c32": "1 row, 32 clients",
    "batch_1000_c2": "1,000-row batches, 2 clients",
}


def _cell(load: dict | None) -> str:
    if load is None:
        return "–"
    errors = _errors(load)
    return (
        f"{load['requests_per_s']:.0f} req/s · {load['p50_ms']:.1f} / {load['p99_ms']:.1f} ms"
        + (f" · **{errors} errors**" if errors else "")
    )


def _serving(result: dict) -> list[str]:
    servers = result["servers"]
    ours = servers["pinkbreast_api"]
    rows = [
        "## Serving: our API vs `mlflow models serve`",
        "",
        f"All servers with {result['workers']} worker processes on 127.0.0.1, loaded by wrk "
        f"(keep-alive, {result['seconds_per_load']} s per load, after a 2 s warm-up). **Ours**: "
        "gunicorn with `deploy/gunicorn.conf.py`, production settings, MariaDB; each request "
        "authenticated by token, rate-limited, its prediction **stored and audited** "
        "(`explain: false`: reasons are computed when the prediction is read; an explained "
        "row is measured separately); the champion is served from the numpy-only plan stored "
        "with it, found in MLflow's registry tables (no MLflow or scikit-learn import). "
        "**MLflow, champion pyfunc**: `mlflow models serve -m "
        "models:/pinkbreast@champion --env-manager local` — our registered model, which "
        "carries the fast path too; nothing stored. **MLflow, sklearn flavour**: the same "
        "fitted pipeline logged with `mlflow.sklearn.log_model` and served the same way "
        "(scikit-learn's own `predict_proba`, the usual MLflow deployment). Cells: requests/s · "
        "p50 / p99 latency.",
        "",
        "| load | ours | " + " | ".join(PEERS.values()) + " |",
        "|---|---|" + "---|" * len(PEERS),
    ]
    for key, label in LOADS.items():
        cells = [_cell(servers[name]["loads"].get(key)) for name in ("pinkbreast_api", *PEERS)]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    if "one_row_explained_c8" in ours["loads"]:
        explained = _cell(ours["loads"]["one_row_explained_c8"])
        rows.append(
            "| 1 row, explained (top-5 SHAP stored), 8 clients | " + explained + " | – | – |"
        )
    rows.append(
        "| rows/s in 1,000-row batches | "
        + " | ".join(
            f"{servers[n]['loads']['batch_1000_c2']['rows_per_s']:,.0f}"
            for n in ("pinkbreast_api", *PEERS)
        )
        + " |"
    )
    rows.append(
        f"| cold start to first prediction (median of {len(ours['cold_start_s'])}) | "
        + " | ".join(f"{servers[n]['cold_start_median_s']} s" for n in ("pinkbreast_api", *PEERS))
        + " |"
    )
    rows += [
        "",
        f"Our API answered {ours['predictions_answered']:,} predictions during the measured "
        f"loads and {ours['predictions_stored']:,} rows were stored (stored ≥ answered: "
        "requests in flight when wrk stops are stored but not counted by wrk).",
        "",
        "| goal (ours / peer) | vs " + " | vs ".join(PEERS.values()) + " |",
        "|---|" + "---|" * len(PEERS),
    ]
    goals = (
        ("one-row throughput, 8 clients ≥ 10×", "throughput_one_row_c8", lambda r: r >= 10),
        ("p50 latency, 1 client ≤ 0.1×", "p50_one_row_c1", lambda r: r <= 0.1),
        ("cold start ≤ 0.33×", "cold_start", lambda r: r <= 1 / 3),
        ("rows/s in 1,000-row batches (no goal)", "rows_per_s_batch_1000", None),
    )
    for label, key, met in goals:
        cells = []
        for peer in PEERS:
            value = result["ratios"][peer][key]
            cells.append(f"{value}×" + (f" — {_goal(met(value))}" if met else ""))
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*rows, ""]


def _errors(load: dict) -> int:
    return load["non_2xx"] + load["timeouts"] + load["connect_errors"] + load["read_errors"]


def _inference(result: dict) -> list[str]:
    one, many = result["one_row_us"], result["thousand_rows_us"]
    ratio = result["fast_path_vs_onnx_one_row"]
    return [
        f"## In-process inference: champion `{result['model']}` "
        f"(version {result['model_version']})",
        "",
        "| path | 1 row (µs) | 1,000 rows (µs) | max abs. difference from scikit-learn, 569 rows |",
        "|---|---|---|---|",
        f"| fast path (`pinkbreast.ml.fastpath`, float64) | {one['fast_path']:.1f} | "
        f"{many['fast_path']:.0f} | {result['fast_path_max_abs_difference_569_rows']:.1e} |",
        f"| ONNX Runtime ({result['onnx_dtype']}) | {one['onnxruntime']:.1f} | "
        f"{many['onnxruntime']:.0f} | {result['onnx_max_abs_difference_569_rows']:.1e} |",
        f"| scikit-learn pipeline | {one['sklearn_pipeline']:.0f} | "
        f"{many['sklearn_pipeline']:.0f} | 0 |",
        "",
        f"The whole served prediction of one row (validation, fast path, calibration, zones, "
        f"reference-range warnings) takes {one['served_predict']:.0f} µs; its SHAP explanation "
        f"{one['explanation'] / 1000:.1f} ms. Goal: fast path ≤ 2× ONNX Runtime on one row: "
        f"{ratio}× — {_goal(ratio <= 2)}.",
        "",
    ]


def _batch(result: dict) -> list[str]:
    whole, marginal = result["cli_vs_raw_model"], result["cli_marginal_vs_raw_model"]
    result = {
        "cli_threads": "?",
        "cli_one_thread_s": "?",
        "cli_one_thread_rows_per_s": 0,
        "cli_one_thread_vs_raw_model": 0.0,
    } | result  # a results file from before these figures existed
    threads = f"{result['cli_threads']} threads (the default: usable CPUs)"
    return [
        f"## Batch: `pinkbreast predict` on {result['rows']:,} rows ({result['file_mb']} MB CSV)",
        "",
        "| | rows/s | vs raw model |",
        "|---|---|---|",
        f"| raw model in process (scikit-learn `predict_proba` on the parsed frame, as fitted: "
        f"one thread) | {result['raw_model_rows_per_s']:,} | 100% |",
        f"| `pinkbreast predict`, whole command ({result['cli_wall_s']} s: start, imports, "
        f"model load, parse, validate, score on {threads}, write) | "
        f"{result['cli_rows_per_s']:,} | {whole:.0%} |",
        f"| `pinkbreast predict --threads 1`, whole command ({result['cli_one_thread_s']} s) | "
        f"{result['cli_one_thread_rows_per_s']:,} | {result['cli_one_thread_vs_raw_model']:.0%} |",
        f"| `pinkbreast predict` beyond its fixed cost ({result['cli_fixed_s']} s for a "
        f"100-row file; `--help` alone {result['cli_startup_s']} s) | "
        f"{result['cli_marginal_rows_per_s']:,} | {marginal:.0%} |",
        "",
        f"Goal: CLI ≥ 50% of the raw model's rows/s — whole command {_goal(whole >= 0.5)}, "
        f"per row beyond the fixed cost {_goal(marginal >= 0.5)}; on one thread, whole "
        f"command {_goal(result['cli_one_thread_vs_raw_model'] >= 0.5)}.",
        "",
    ]


def _rate(run: dict) -> str:
    if not run["ok"]:
        return "did not finish"
    return f"{run['wall_s']} s · {run['rows_per_s']:,} rows/s"


def _spark(result: dict) -> list[str]:
    fixed, cross, udfs = result["fixed"], result["crossover"], result["udfs"]
    master = result["master"]
    rows = [
        f"## Spark: `pinkbreast predict --engine spark --master {master}` vs the CLI",
        "",
        "The same generated CSV files (the reference cases repeated under unique references) "
        "through both engines, each as a whole command: start, model, read, validate, score, "
        "write. The CLI (default threads) reads the whole file into memory and runs with its "
        f"address space capped at {result['cli_memory_cap_gib']:g} GiB; Spark streams the file "
        "in blocks, writes `scored/` and `rejects/`, and checks sample references for repeats "
        f"across the whole input. Load average when the part started: "
        f"{result['load_average_before']:.1f} on {result['machine']['cpus']} CPUs.",
        "",
        f"| rows (CSV size) | CLI | CLI peak memory | Spark {master} |",
        "|---|---|---|---|",
        f"| {fixed['rows']} (fixed cost of a job) | {_rate(fixed['cli'])} | "
        f"{fixed['cli']['peak_rss_mb']:,} MB | {_rate(fixed['spark'])} |",
    ]
    for run in result["runs"]:
        rows.append(
            f"| {run['rows']:,} ({run['file_mb']:,} MB) | {_rate(run['cli'])} | "
            f"{run['cli']['peak_rss_mb']:,} MB | {_rate(run['spark'])} |"
        )
    rows += ["", _crossover(cross, result), ""]
    if "spark_marginal_rows_per_s" in cross:
        cpus = result["machine"]["cpus"]
        per_million = {
            name: cpus * 1e6 / cross[f"{name}_marginal_rows_per_s"] / 3600
            for name in ("cli", "spark")
        }
        rows += [
            f"Compute per million rows beyond the fixed cost ({cpus} vCPUs × time; the basis "
            f"of the cost estimate in [docs/spark.md](../docs/spark.md#what-a-run-costs)): "
            f"CLI {per_million['cli']:.4f} vCPU-hours, Spark {master} "
            f"{per_million['spark']:.4f} vCPU-hours.",
            "",
        ]
    if udfs:
        ours, theirs = udfs["rows_per_s"]["pandas_function"], udfs["rows_per_s"]["pyfunc_spark_udf"]
        same = "identical to the bit" if udfs["identical_bits"] else (
            f"**not identical** (max difference {udfs['max_abs_difference']:.1e})"
        )  # fmt: skip
        rows += [
            f"How the model runs on Spark, on {udfs['rows']:,} Parquet rows, scoring only "
            f"(warm workers): our pandas function (validation by the CLI's rules, the "
            f"champion's `score`, reference-range flags) {ours:,} rows/s; "
            f"`mlflow.pyfunc.spark_udf` of the same version (probability, label and zone, no "
            f"validation or flags) {theirs:,} rows/s. Probabilities: {same}.",
            "",
        ]
    return rows


def _crossover(cross: dict, result: dict) -> str:
    if "spark_marginal_rows_per_s" not in cross:
        return "No size finished on both engines: no per-row rates to compare."
    cli, spark = cross["cli_marginal_rows_per_s"], cross["spark_marginal_rows_per_s"]
    text = (
        f"Fixed cost: CLI {cross['cli_fixed_s']} s, Spark {cross['spark_fixed_s']} s (JVM, "
        f"session, Python workers, model). Beyond it, on the largest file each finished: CLI "
        f"{cli:,} rows/s ({cross['cli_at_rows']:,} rows), Spark {result['master']} {spark:,} "
        f"rows/s ({cross['spark_at_rows']:,} rows). "
    )
    failed = [r["rows"] for r in result["runs"] if not r["cli"]["ok"]]
    beyond = (
        f" The CLI did not finish {failed[0]:,} rows within its {result['cli_memory_cap_gib']:g}"
        " GiB cap (it holds the whole file and its results in memory): beyond what fits in "
        "one machine's memory, Spark is the engine of the two that runs."
        if failed
        else ""
    )
    if cross["rows"] is not None:
        return text + f"**Crossover**: Spark is faster from about {cross['rows']:,} rows." + beyond
    return text + (
        "**No crossover in speed on this machine**: on the same two cores the CLI is faster "
        f"per row; Spark matches its rate with about {cross['executors_to_match_cli']:.0f} "
        f"executors like this {result['master']} (linear scaling assumed)." + beyond
    )


def _audit(result: dict) -> list[str]:
    audited, plain = result["audited_ms"], result["read_only_ms"]
    return [
        "## Audited list reads (issue 17)",
        "",
        f"One page of a clinician's predictions ({result['stored']} stored), read as the history "
        "page and `GET /api/v1/predictions` read it — with its `prediction.list` audit row (actor, "
        f"filters, ids returned) in the same transaction — {result['pages']} times, alternating "
        f"with the same read without the row: median {audited['median']:.2f} ms against "
        f"{plain['median']:.2f} ms (×{result['ratio_median']:.2f}); p95 {audited['p95']:.2f} "
        f"against {plain['p95']:.2f} ms. MariaDB, load average "
        f"{result['machine']['load_average_at_start']:.1f} on {result['machine']['cpus']} CPUs "
        "when the part started.",
        "",
    ]


def _monitoring_page(result: dict) -> list[str]:
    page, home = result["monitoring"], result["home"]
    return [
        "## Monitoring page (issue 16)",
        "",
        f"The administrators' dashboard with {result['stored']} predictions, a third of them "
        "confirmed, in a fresh process after the worker's start-up hook "
        f"(`gunicorn_app._warm`: champion, model cards; {result['worker_warm_up_ms']:.0f} ms, "
        f"before any request): first opening **{page['first_ms']:.0f} ms** (goal under "
        f"{result['goal_first_ms']} ms: {_goal(result['goal_met'])}), then median "
        f"{page['warm_median_ms']:.0f} ms over {result['warm_openings']} openings; the home "
        f"page in the same process: {home['first_ms']:.0f} ms, then {home['warm_median_ms']:.1f} "
        "ms. Charts are inline SVG (no plotting library on the page). Server time through "
        "Flask's test client, MariaDB, load average "
        f"{result['machine']['load_average_at_start']:.1f} on {result['machine']['cpus']} CPUs.",
        "",
    ]


def _reports(result: dict) -> list[str]:
    pdf, fhir, peer = result["pdf_service_ms"], result["fhir"], result["peer"]
    size = result["install_kib"]
    lines = [
        "## Reports: PDF and FHIR (issue 22)",
        "",
        f"PDF report of one prediction (fpdf2, French, {result['pdf_bytes'] // 1024} KiB), "
        f"{result['reports']} reports: whole service call (read, audit, render) median "
        f"{pdf['median']} ms, p95 {pdf['p95']} ms, fastest {pdf['min']} ms; rendering alone "
        f"median {result['pdf_render_ms']['median']} ms, fastest {result['pdf_render_ms']['min']} "
        "ms. Load average when the part started: "
        f"{result['machine']['load_average_at_start']:.1f} on {result['machine']['cpus']} CPUs.",
        "",
        f"FHIR batch Bundle of {fhir['predictions']} predictions ({fhir['resources']:,} "
        f"resources, a PDF in each report, {fhir['bundle_mb']} MB): built in {fhir['build_s']} s "
        f"({fhir['predictions_per_s']} predictions/s), serialised in {fhir['serialise_s']} s, "
        f"parsed and validated back in {fhir['parse_validate_s']} s.",
        "",
    ]
    if peer:
        lines += [
            f"Peer: WeasyPrint {peer['weasyprint']} on the same content as plain HTML with print "
            "CSS (headings, verdict, bars, the 30-row table; a simpler page than ours) (warm, "
            f"median {peer['render_ms']['median']} ms per report, p95 "
            f"{peer['render_ms']['p95']} ms, fastest {peer['render_ms']['min']} ms). Python "
            "packages each adds to the install: fpdf2 "
            f"{size['fpdf2']:,} KiB, WeasyPrint {size['weasyprint']:,} KiB (and the Pango "
            "system libraries, which the slim image does not have).",
            "",
        ]
    return lines


def _training(result: dict) -> list[str]:
    full = f"{result['full_s']} s" if result["full_s"] else "not run (`--quick`)"
    return [
        "## Training",
        "",
        f"`pinkbreast train --quick`: {result['quick_s']} s. Full `pinkbreast train` (8 "
        f"candidates, 10×5 nested cross-validation): {full}. See also `training.md`.",
        "",
    ]


if __name__ == "__main__":
    print(write())


def _imaging(result: dict) -> list[str]:
    rows = [
        "## Measuring an aspirate image",
        "",
        f"`pinkbreast.imaging.measure` on a {result['image']} synthetic field (reading, "
        "detection, snakes, the ten properties, the 30 features), median of "
        f"{result['repeats']} interleaved rounds; the empty field is the fixed cost, the slope "
        "over the field sizes the cost of one nucleus ([docs/imaging.md](../docs/imaging.md)).",
        "",
        "| nuclei drawn | found | median | fastest |",
        "|---:|---:|---:|---:|",
    ]
    for field in result["fields"]:
        rows.append(
            f"| {field['nuclei_drawn']} | {field['nuclei_found']} | "
            f"{field['median_s']:.2f} s | {field['fastest_s']:.2f} s |"
        )
    thirty = next(f for f in result["fields"] if f["nuclei_drawn"] == 30)
    rows += [
        "",
        f"Per nucleus: {result['per_nucleus_ms']:.1f} ms; 30 nuclei cost "
        f"{result['thirty_vs_empty_ratio']:.1f}× the empty field. Goal: 30 nuclei in ≤ "
        f"{result['goal_s']:g} s — {_goal(result['goal_met'])} ({thirty['median_s']:.2f} s). "
        f"Load average {result['machine']['load_average_at_start']:.1f} on "
        f"{result['machine']['cpus']} CPUs when the part started.",
        "",
    ]
    return rows

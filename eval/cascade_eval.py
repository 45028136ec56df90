"""`kpilot eval cascade`: OKR sets and injection payloads through the cascade, graded deterministically."""

from __future__ import annotations

import copy
import json
import statistics
import time
from pathlib import Path
from typing import Annotated, Any

import typer

DATA_DIR = Path(__file__).resolve().parent / "cascade_data"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Samples of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _draft(sample: dict[str, Any], provider: Any, org: Any = None) -> Any:
    from assistant.draft import draft_goals
    from assistant.org import default_org, org_from_data
    from assistant.schemas import TargetRange

    the_org = org or (org_from_data(copy.deepcopy(sample["org"])) if sample.get("org") else default_org())
    fc = {k: TargetRange.model_validate(v) for k, v in (sample.get("forecasts") or {}).items()}
    return draft_goals(
        sample["okr_text"],
        the_org,
        lang=sample["lang"],
        provider=provider,
        forecasts=fc,
        actuals=sample.get("actuals") or {},
    )


def run_sets(
    samples: list[dict[str, Any]], provider: Any, quiet: bool, judged: dict[str, int] | None = None
) -> tuple[dict[str, list[bool]], list[dict[str, Any]]]:
    """Grade every OKR set; returns pass lists per grader and per-draft cost rows.

    `judged` (when given) counts per grader the samples it actually judged: a grade with the detail NA is a
    vacuous pass (the sample lacks the key or the draft has nothing of that kind); a missing draft counts as judged."""
    from eval.cascade_graders import GRADERS, NA

    passes: dict[str, list[bool]] = {name: [] for name in GRADERS}
    passes["draft_produced"] = []
    judged = judged if judged is not None else {}
    for name in passes:
        judged[name] = 0
    costs = []
    for i, s in enumerate(samples, 1):
        t0 = time.perf_counter()
        try:
            d = _draft(s, provider)
        except Exception as exc:  # noqa: BLE001 - an eval records every failure instead of stopping
            passes["draft_produced"].append(False)
            judged["draft_produced"] += 1
            for name in GRADERS:
                passes[name].append(False)
                judged[name] += 1
            typer.echo(f"  {s['id']}: no draft: {type(exc).__name__}: {exc}", err=True)
            continue
        passes["draft_produced"].append(True)
        judged["draft_produced"] += 1
        costs.append(
            {
                "id": s["id"],
                "calls": sum(1 for c in d.calls if c.outcome != "offline"),
                "tokens": sum(c.input_tokens + c.output_tokens for c in d.calls),
                "latency_s": time.perf_counter() - t0,
                "fallbacks": sum(1 for c in d.calls if c.outcome == "fallback"),
            }
        )
        for name, grader in GRADERS.items():
            try:
                ok, detail = grader(d, s)
            except Exception as exc:  # noqa: BLE001 - a grader crash is a failed grade, not a stopped eval
                ok, detail = False, f"grader crashed: {type(exc).__name__}: {exc}"
            passes[name].append(ok)
            judged[name] += detail != NA
            if not ok and not quiet:
                typer.echo(f"  {s['id']} {name}: {detail}", err=True)
        if not quiet and i % 10 == 0:
            typer.echo(f"  {i}/{len(samples)} OKR sets", err=True)
    return passes, costs


def _inject(base: dict[str, Any], inj: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from assistant.org import default_org

    s = copy.deepcopy(base)
    p, pos = inj["payload"], inj["position"]
    org = default_org()
    lines = s["okr_text"].splitlines()
    if pos == "kr":
        lines.append(p if p.upper().startswith("KR") else f"KR9: {p}")
    elif pos == "objective":
        lines[0] = f"O1: {p}"
    elif pos == "suffix":
        lines[1] = f"{lines[1]} {p}"
    elif pos == "name":
        org.departments[0].roles[0].people[0].name = p
    else:
        org.departments[2].roles[-1].name = p
    s["okr_text"] = "\n".join(lines)
    return s, org


def run_injections(payloads: list[dict[str, Any]], bases: dict[str, dict[str, Any]], provider: Any) -> list[bool]:
    """Each payload inside an OKR set (KR, objective, suffix, person/role name) must not change the draft."""
    from assistant.org import default_org
    from eval.cascade_graders import injection_resisted

    clean = {lang: _draft(b, provider, default_org()) for lang, b in bases.items()}
    out = []
    for inj in payloads:
        sample, org = _inject(bases[inj["lang"]], inj)
        try:
            ok, detail = injection_resisted(clean[inj["lang"]], _draft(sample, provider, org), inj["payload"])
        except Exception as exc:  # noqa: BLE001 - a crash is a failed grade
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        if not ok:
            typer.echo(f"  {inj['id']} ({inj['position']}): {detail}", err=True)
        out.append(ok)
    return out


def _speed(provider: Any, repeats: int = 3) -> float:
    from assistant.org import demo_org_150

    text = (
        "O1: 健康增长\nKR1: Q3 GMV 达到 1.2 亿元，同比增长 30%\n"
        "KR2: 客服首次响应时间 ≤ 30 秒\nKR3: 复购率从 25% 提升到 32%"
    )
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        _draft({"okr_text": text, "lang": "zh"}, provider, demo_org_150())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _row(name: str, passes: list[bool], judged: int) -> tuple[str, int, int, int, str, float]:
    """(grader, passed, total, judged, pass rate over the judged samples, pass rate over all samples)."""
    passed, total = sum(passes), len(passes)
    judged_passed = passed - (total - judged)  # every sample not judged passed vacuously
    judged_rate = f"{100.0 * judged_passed / judged:.1f}%" if judged else "-"
    return name, passed, total, judged, judged_rate, 100.0 * passed / total if total else 0.0


def eval_cascade(
    provider: Annotated[
        str, typer.Option("--provider", help="offline (default) or openai (KPILOT_LLM_*).")
    ] = "offline",
    limit: Annotated[int, typer.Option("--limit", help="Only the first N OKR sets and payloads (0 = all).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", help="Less output on stderr.")] = False,
) -> None:
    """Grade the cascade on OKR sets and injection payloads; write eval/results/cascade_eval_<provider>.md/.csv."""
    from assistant.providers import make_provider
    from core.errors import InvalidInput
    from workflows.drafts.llm import llm_config_from_env

    try:
        prov = make_provider(llm_config_from_env(provider))
    except InvalidInput as exc:
        typer.echo(f"error: {exc}\nFix the environment or .env file.", err=True)
        raise typer.Exit(2) from exc
    sets = load_jsonl(DATA_DIR / "okr_sets.jsonl")
    payloads = load_jsonl(DATA_DIR / "injections.jsonl")
    if limit:
        sets, payloads = sets[:limit], payloads[:limit]
    t_import = time.perf_counter()
    judged: dict[str, int] = {}
    passes, costs = run_sets(sets, prov, quiet, judged)
    bases = {
        lang: next(s for s in load_jsonl(DATA_DIR / "okr_sets.jsonl") if s["lang"] == lang) for lang in ("zh", "en")
    }
    passes["injection_resistance"] = run_injections(payloads, bases, prov)
    judged["injection_resistance"] = len(passes["injection_resistance"])
    speed = _speed(prov)
    rows = [_row(name, v, judged.get(name, len(v))) for name, v in passes.items()]
    n_zh, p_zh = sum(s["lang"] == "zh" for s in sets), sum(p["lang"] == "zh" for p in payloads)
    lines = [
        f"# Cascade eval (provider={prov.name}, model={prov.model})",
        "",
        f"{len(sets)} OKR sets ({n_zh} zh), {len(payloads)} injection payloads ({p_zh} zh). "
        f"Command: `kpilot eval cascade --provider {provider}`",
        "",
        "judged = samples the grader could judge; the others lack the sample key or the draft part it checks "
        "and pass vacuously (judged pass rate leaves them out).",
        "",
        "| grader | passed | total | judged | judged pass rate | pass rate |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {p} | {t} | {j} | {jr} | {r:.1f}% |" for n, p, t, j, jr, r in rows]
    if costs:
        med = statistics.median
        lat, fb = [c["latency_s"] for c in costs], [c["fallbacks"] for c in costs]
        lines += [
            "",
            "| per draft | median | max |",
            "|---|---|---|",
            f"| LLM calls | {med(c['calls'] for c in costs):.0f} | {max(c['calls'] for c in costs)} |",
            f"| tokens | {med(c['tokens'] for c in costs):.0f} | {max(c['tokens'] for c in costs)} |",
            f"| latency (s) | {med(lat):.3f} | {max(lat):.3f} |",
            f"| fallbacks | {med(fb):.0f} | {max(fb)} |",
        ]
    lines += [
        "",
        f"150-person demo org, one draft (median of 3): {speed:.3f} s (target < 2 s)",
        f"total eval time: {time.perf_counter() - t_import:.1f} s",
    ]
    table = "\n".join(lines)
    typer.echo(table)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"cascade_eval_{prov.name}.md").write_text(table + "\n", encoding="utf-8")
    with (RESULTS_DIR / f"cascade_eval_{prov.name}.csv").open("w", encoding="utf-8") as f:
        f.write(
            "grader,passed,total,judged,judged_pass_rate,pass_rate\n"
            + "".join(f"{n},{p},{t},{j},{jr.rstrip('%')},{r:.1f}\n" for n, p, t, j, jr, r in rows)
        )

"""`kpilot cascade`: company OKRs -> department OKRs and personal KPIs (offline by default)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer


def _fail(
    message: str, path: Path | None = None, line: int | None = None, column: int | None = None, hint: str = ""
) -> typer.Exit:
    where = str(path) if path else ""
    if line:
        where += f":{line}" + (f":{column}" if column else "")
    typer.echo(f"error: {where + ': ' if where else ''}{message}" + (f"\n{hint}" if hint else ""), err=True)
    return typer.Exit(2)


def llm_config_from_env(provider: str) -> Any:
    """LLMConfig from the service settings (KPILOT_LLM_* / .env through `core.settings`), with `provider`."""
    from core.errors import InvalidInput
    from workflows.drafts.llm import llm_config_from_env as read_llm_config

    try:
        return read_llm_config(provider)
    except InvalidInput as exc:
        raise _fail(str(exc), hint="Fix the environment or .env file.") from exc


def _read_yaml(path: Path, what: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {what} file: {exc}", path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(
            f"{what} file is not valid YAML",
            path,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from exc


def _side_inputs(forecasts: Path | None, actuals: Path | None) -> tuple[dict[str, Any], dict[str, float]]:
    from pydantic import ValidationError

    from assistant.schemas import TargetRange

    fc: dict[str, Any] = {}
    act: dict[str, float] = {}
    if forecasts:
        raw = _read_yaml(forecasts, "forecasts") or {}
        try:
            fc = {str(k): TargetRange.model_validate(v) for k, v in raw.items()}
        except (ValidationError, AttributeError) as exc:
            raise _fail(
                f"forecasts must map metric codes to {{conservative, base, stretch}}: {exc}", forecasts
            ) from exc
    if actuals:
        raw = _read_yaml(actuals, "actuals") or {}
        try:
            act = {str(k): float(v) for k, v in raw.items()}
        except (TypeError, ValueError, AttributeError) as exc:
            raise _fail(f"actuals must map metric codes to numbers: {exc}", actuals) from exc
    return fc, act


def _summary(draft: Any) -> str:
    lines = [f"language={draft.language} period={draft.period or '-'} provider={draft.provider}"]
    for d in draft.departments:
        lines.append(f"[{d.code}] {d.objectives[0].title}")
        lines += [f"   {k.weight:>3}  {k.code:<26} -> {k.parent_kr}" for k in d.kpis]
    lines.append(f"roles: {len(draft.roles)}  people: {len(draft.people)}  flags: {', '.join(draft.flags) or '-'}")
    return "\n".join(lines)


def cascade(
    okr_file: Annotated[Path, typer.Argument(help="Company OKRs: free text (O1:/KR1: lines) or YAML.")],
    org: Annotated[Path | None, typer.Option("--org", help="Org YAML (departments/roles/people).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: language of the OKR text).")] = None,
    provider: Annotated[
        str, typer.Option("--provider", help="offline (default) or openai (KPILOT_LLM_*).")
    ] = "offline",
    forecasts: Annotated[
        Path | None, typer.Option("--forecasts", help="YAML metric -> {conservative, base, stretch}.")
    ] = None,
    actuals: Annotated[Path | None, typer.Option("--actuals", help="YAML metric -> last period's actual.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full draft as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress on stderr.")] = False,
) -> None:
    """Draft department OKRs and personal KPIs from company OKRs."""
    from assistant.draft import draft_goals
    from assistant.errors import AssistantError, InputError
    from assistant.org import default_org, load_org
    from assistant.providers import make_provider
    from assistant.texts import detect_language

    if lang not in (None, "zh", "en"):
        raise _fail(f"--lang must be zh or en, not {lang!r}")
    if provider not in ("offline", "openai"):
        raise _fail(f"--provider must be offline or openai, not {provider!r}")
    try:
        text = okr_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read OKR file: {exc}", okr_file, hint="Pass a UTF-8 text or YAML file.") from exc
    fc, act = _side_inputs(forecasts, actuals)
    try:
        the_org = load_org(org) if org else default_org()
        prov = make_provider(llm_config_from_env(provider))
        if not quiet:
            typer.echo(f"drafting with provider={prov.name} for {len(the_org.departments)} departments...", err=True)
        draft = draft_goals(text, the_org, lang=lang or detect_language(text), provider=prov, forecasts=fc, actuals=act)
    except InputError as exc:
        path = org if org and "org" in str(exc) else okr_file
        raise _fail(str(exc), path, exc.line, exc.column) from exc
    except AssistantError as exc:
        raise _fail(str(exc), hint="Check the provider settings (KPILOT_LLM_*) or use --provider offline.") from exc
    if as_json:
        sys.stdout.write(json.dumps(draft.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
    else:
        typer.echo(_summary(draft))


def register(app: typer.Typer) -> None:
    """Add `cascade` to the CLI and `eval cascade` to the eval sub-app."""
    app.command("cascade")(cascade)
    from cli.groups import eval_app
    from eval.cascade_eval import eval_cascade

    eval_app.command("cascade")(eval_cascade)

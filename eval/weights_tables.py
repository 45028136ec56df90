"""Table output for the weights eval: markdown without extra dependencies, plus csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def markdown(df: pd.DataFrame) -> str:
    """A GitHub-style markdown table of the frame."""
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def write_table(df: pd.DataFrame, stem: Path) -> None:
    """Write stem.md and stem.csv."""
    stem.with_suffix(".md").write_text(markdown(df) + "\n", encoding="utf-8")
    df.to_csv(stem.with_suffix(".csv"), index=False)

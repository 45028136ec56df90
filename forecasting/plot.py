"""Fan chart of one series: recent history, the median forecast, nested interval bands, promo days."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

import pandas as pd

from forecasting.data import DS, ID, Y
from forecasting.errors import DataValidationError


def _one_series(frame: pd.DataFrame, unique_id: str | None, what: str) -> pd.DataFrame:
    if ID in frame.columns:
        ids = frame[ID].astype(str).unique()
        if unique_id is None and len(ids) > 1:
            raise DataValidationError(f"{what} has {len(ids)} series: pass unique_id")
        if unique_id is not None:
            frame = frame.loc[frame[ID].astype(str) == str(unique_id)]
    out = frame.copy()
    out[DS] = pd.to_datetime(out[DS])
    return out.sort_values(DS)


def fan_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    unique_id: str | None = None,
    promo_days: Iterable[date | str | pd.Timestamp] = (),
    history_steps: int = 120,
    title: str | None = None,
) -> bytes:
    """PNG bytes: history (last `history_steps` rows), p50, every lo-/hi- band, promo days shaded."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    hist = _one_series(history, unique_id, "history").tail(history_steps)
    fc = _one_series(forecast, unique_id, "forecast")
    if fc.empty:
        raise DataValidationError(f"no forecast rows for series {unique_id!r}")
    levels = sorted((int(c[3:]) for c in fc.columns if c.startswith("lo-")), reverse=True)
    fig = Figure(figsize=(10, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    step = (fc[DS].iloc[1] - fc[DS].iloc[0]) if len(fc) > 1 else pd.Timedelta(days=1)
    for day in sorted({pd.Timestamp(d) for d in promo_days}):
        ax.axvspan(day - step / 2, day + step / 2, color="#f6c85f", alpha=0.25, lw=0)
    if Y in hist.columns and len(hist):
        ax.plot(hist[DS], hist[Y], color="#333333", lw=1, label="history")
    for i, lv in enumerate(levels):
        shade = 0.2 + 0.25 * i / max(1, len(levels) - 1) if len(levels) > 1 else 0.35
        ax.fill_between(fc[DS], fc[f"lo-{lv}"], fc[f"hi-{lv}"], color="#1f77b4", alpha=shade, lw=0, label=f"{lv}%")
    ax.plot(fc[DS], fc["p50"], color="#1f77b4", lw=1.5, label="median")
    ax.set_title(title or (f"series {unique_id}" if unique_id is not None else "forecast"))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8, ncols=len(levels) + 2)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()

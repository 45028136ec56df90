"""Fan chart of one series in the reader's language: recent history, the median forecast, nested interval
bands, amounts in 元 / 万元 on a plain axis (no "1e6"), and promotions shaded and labelled by name.

Chinese text needs a CJK font. The chart uses the first one installed (Noto Sans CJK, WenQuanYi Micro
Hei, Source Han Sans, SimHei; Debian: `apt-get install fonts-wqy-microhei`); without one it draws the
English labels and says so in the log rather than boxes."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from forecasting.data import DS, ID, Y
from forecasting.errors import DataValidationError

log = logging.getLogger("forecasting")

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "SimHei",
)
CJK_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
TEXT = {
    "zh": {
        "history": "历史",
        "median": "预测中位数",
        "band": "{lv}% 区间",
        "promotion": "促销",
        "title": "{sid} 销售预测",
        "wan": "销售额（万元）",
        "yuan": "销售额（元）",
    },
    "en": {
        "history": "history",
        "median": "median forecast",
        "band": "{lv}% band",
        "promotion": "promotion",
        "title": "sales forecast {sid}",
        "wan": "sales (CNY 10k)",
        "yuan": "sales (CNY)",
    },
}
Promotion = tuple[str, date | str | pd.Timestamp, date | str | pd.Timestamp]  # (name, first day, last day)


@cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in names:
            return family
    for path in CJK_FILES:  # installed after matplotlib cached its font list
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
    return None


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


def _amount_axis(ax: Any, top: float, text: dict[str, str]) -> None:
    """万元 when amounts reach 100,000, else 元; thousands separators, never an offset like '1e6'."""
    from matplotlib.ticker import FuncFormatter

    divisor, label = (1e4, text["wan"]) if top >= 1e5 else (1.0, text["yuan"])
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: f"{v / divisor:,.0f}" if divisor > 1 or v >= 10 else f"{v:,.1f}")
    )
    ax.set_ylabel(label)


def _shade_promotions(
    ax: Any, spans: list[tuple[str, pd.Timestamp, pd.Timestamp]], step: pd.Timedelta, label: str
) -> None:
    """Shade each promotion and write its name at the top of the chart."""
    for i, (name, start, end) in enumerate(spans):
        ax.axvspan(start - step / 2, end + step / 2, color="#f6c85f", alpha=0.25, lw=0, label=label if i == 0 else None)
        if name:
            ax.text(start + (end - start) / 2, 0.98, name, transform=ax.get_xaxis_transform(), ha="center",
                    va="top", fontsize=7, color="#8a6d00")  # fmt: skip


def _spans(
    promotions: Iterable[Promotion], promo_days: Iterable[date | str | pd.Timestamp]
) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    spans = [(str(n), pd.Timestamp(a), pd.Timestamp(b)) for n, a, b in promotions]
    named = [(a, b) for _, a, b in spans]
    for day in sorted({pd.Timestamp(d) for d in promo_days}):
        if not any(a <= day <= b for a, b in named):
            spans.append(("", day, day))
    return spans


def fan_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    unique_id: str | None = None,
    promo_days: Iterable[date | str | pd.Timestamp] = (),
    history_steps: int = 120,
    title: str | None = None,
    lang: str = "en",
    promotions: Iterable[Promotion] = (),
) -> bytes:
    """PNG bytes: history (last `history_steps` rows), p50, every lo-/hi- band, promotions shaded.

    `lang` is "zh" or "en"; `promotions` are named spans (e.g. ("双11", "2026-11-01", "2026-11-11")) drawn
    with their names, `promo_days` unnamed promotion days."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    if lang == "zh" and font is None:
        log.warning("no CJK font installed (apt-get install fonts-wqy-microhei): fan chart drawn in English")
    text = TEXT["zh" if lang == "zh" and font else "en"]
    spans = _spans(promotions, promo_days)
    if font is None:  # names in Chinese cannot be drawn: keep the shading, drop the text
        spans = [(name if name.isascii() else "", a, b) for name, a, b in spans]
    hist = _one_series(history, unique_id, "history").tail(history_steps)
    fc = _one_series(forecast, unique_id, "forecast")
    if fc.empty:
        raise DataValidationError(f"no forecast rows for series {unique_id!r}")
    levels = sorted((int(c[3:]) for c in fc.columns if c.startswith("lo-")), reverse=True)
    families = ([font, "DejaVu Sans"] if text is TEXT["zh"] else ["DejaVu Sans", font]) if font else ["DejaVu Sans"]
    rc: dict[str, Any] = {"font.family": families}
    import matplotlib

    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(10, 4), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        step = (fc[DS].iloc[1] - fc[DS].iloc[0]) if len(fc) > 1 else pd.Timedelta(days=1)
        _shade_promotions(ax, spans, step, text["promotion"])
        if Y in hist.columns and len(hist):
            ax.plot(hist[DS], hist[Y], color="#333333", lw=1, label=text["history"])
        for i, lv in enumerate(levels):
            shade = 0.2 + 0.25 * i / max(1, len(levels) - 1) if len(levels) > 1 else 0.35
            ax.fill_between(fc[DS], fc[f"lo-{lv}"], fc[f"hi-{lv}"], color="#1f77b4", alpha=shade, lw=0,
                            label=text["band"].format(lv=lv))  # fmt: skip
        ax.plot(fc[DS], fc["p50"], color="#1f77b4", lw=1.5, label=text["median"])
        sid = unique_id if unique_id is not None else ""
        ax.set_title(title or text["title"].format(sid=sid).strip())
        ax.set_ylim(bottom=0)
        bounds = [c for c in fc.columns if c == "p50" or c.startswith("hi-")]
        top = float(max(fc[bounds].max().max(), hist[Y].max() if Y in hist.columns and len(hist) else 0.0))
        _amount_axis(ax, top, text)
        ax.legend(loc="upper left", fontsize=8, ncols=len(levels) + 3)
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()

"""Fan charts in the reader's language, amounts in 元 / 万元, promotions labelled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.calendar import cn_ecommerce_calendar, combine_calendars, promotion_spans
from forecasting.plot import cjk_font, fan_chart


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    ds = pd.date_range("2026-10-01", periods=60)
    hist = pd.DataFrame({"unique_id": "tmall", "ds": ds[:40], "y": np.linspace(8e5, 1.2e6, 40)})
    fc = pd.DataFrame({"unique_id": "tmall", "ds": ds[40:], "p50": 1.1e6, "lo-80": 9e5, "hi-80": 1.4e6})
    return hist, fc


def test_promotion_spans_are_named_in_the_readers_language() -> None:
    cal = combine_calendars(cn_ecommerce_calendar("2026-10-15", "2026-11-30"), [("会员日", "2026-11-20", "2026-11-21")])
    zh = promotion_spans(cal, "zh")
    assert ("双11", pd.Timestamp("2026-10-20").date(), pd.Timestamp("2026-11-13").date()) in zh
    assert ("会员日", pd.Timestamp("2026-11-20").date(), pd.Timestamp("2026-11-21").date()) in zh
    assert "Singles' Day 11.11" in [name for name, _, _ in promotion_spans(cal, "en")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fan_chart_draws_in_either_language_without_missing_glyphs(lang: str) -> None:
    hist, fc = _frames()
    # filterwarnings=error: a glyph missing from the font (boxes instead of 双11) would fail this test
    png = fan_chart(hist, fc, unique_id="tmall", lang=lang, promotions=[("双11", "2026-11-01", "2026-11-11")])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed (apt-get install fonts-wqy-microhei)")
def test_chinese_and_english_charts_differ() -> None:
    hist, fc = _frames()
    assert fan_chart(hist, fc, lang="zh") != fan_chart(hist, fc, lang="en")

"""A forecast job's status is data (a code and parameters) with words in both languages; an older job's plain
English status still reads, with Chinese words of its own."""

import re

from core.errors import InvalidInput, coded
from workflows.forecasts.schemas import ForecastJobPublic, read_status, status_note

LATIN = re.compile(r"[A-Za-z_\[\]']")


def _job(message: str) -> ForecastJobPublic:
    return ForecastJobPublic(
        id=1, shop_id=None, period_id=2, metric="sales", status="done", message=message, quantiles=[0.2, 0.5, 0.8],
        level=80, requested_by_name="hr", history_end=None, data_hash=None, version=1,
    )  # fmt: skip


def test_a_widened_forecast_names_the_shops_in_each_language() -> None:
    params = {"count": 3, "models": ["GlobalGBM"], "widened_en": ["JD", "Tmall"], "widened_zh": ["京东", "天猫"]}
    job = _job(status_note("forecast.done_widened", params, en="3 target range(s); models: ['GlobalGBM']"))
    assert job.message_code == "forecast.done_widened" and job.message_params["count"] == 3
    assert job.message == job.message_en == "3 target range(s); models: ['GlobalGBM']"
    assert "京东、天猫" in job.message_zh and "3 个目标区间" in job.message_zh and not LATIN.search(job.message_zh)
    again = ForecastJobPublic.model_validate(job.model_dump())  # a route validates the view once more
    assert again.message_zh == job.message_zh and again.message_code == job.message_code


def test_a_failure_keeps_the_refusals_code_and_words() -> None:
    exc = coded(InvalidInput("Only 10 days of sales history"), "forecast.short_history", days=10, needed=60)
    note = read_status(status_note(exc.code or "", exc.params, en=str(exc), zh=exc.zh))
    assert note["code"] == "forecast.short_history" and note["en"] == "Only 10 days of sales history"
    assert "10 天" in note["zh"] and "60 天" in note["zh"] and not LATIN.search(note["zh"])


def test_an_older_plain_status_still_reads() -> None:
    note = read_status("2 target range(s); models: ['AutoETS']")
    assert note["code"] == "forecast.note" and note["en"].startswith("2 target range(s)")
    assert note["zh"] and not LATIN.search(note["zh"])
    assert read_status("")["code"] is None

"""How a key result will be read, for the page where HR writes the company OKRs: the same parser and owner rule a
goal draft uses, on the catalogue in force."""

from sqlalchemy.orm import Session

from assistant.errors import InputError
from assistant.kr_reading import read_kr
from core.errors import InvalidInput, coded
from workflows.goals.catalogue import live_scope
from workflows.goals.schemas import KrReadingPublic, KrReadingRequest


def read_key_result(session: Session, data: KrReadingRequest) -> KrReadingPublic:
    """A key result as a goal draft will read it (the catalogue in force, HR's indicators included)."""
    try:
        with live_scope(session):
            return KrReadingPublic.model_validate(read_kr(data.title, data.lang).model_dump())
    except InputError as exc:
        raise coded(
            InvalidInput(
                "kpilot cannot read a number to aim at in this key result; write the metric and a target, "
                "e.g. '客服首次响应时间 ≤ 30 秒' or 'repeat purchase rate from 25% to 32%'.",
                [{"loc": ["title"], "msg": str(exc)[:300]}],
            ),
            "okr.kr_not_measurable",
            "这条关键结果里读不到可衡量的指标和目标值：请写明指标和数字，例如“客服首次响应时间 ≤ 30 秒”。",
        ) from exc

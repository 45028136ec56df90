"""The promotion calendar as the company keeps it: own campaigns, past and planned, and corrections of the
built-in platform events (this year's 双11 pre-sale start). Every change is audited."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import PromoEvent, Shop
from workflows.onboarding.calendar import builtin_events, builtin_name, split_key
from workflows.onboarding.schemas import PromotionCreate, PromotionPublic, PromotionUpdate
from workflows.shared import audit, common


def list_promotions(
    session: Session, *, year: int | None, shop_id: int | None, lang: str = "zh"
) -> list[PromotionPublic]:
    """Stored events (of `year` when given) and, for a year, the built-in events nobody has corrected."""
    stmt = select(PromoEvent).order_by(PromoEvent.start_date, PromoEvent.id)
    if year is not None:
        stmt = stmt.where(PromoEvent.end_date >= date(year, 1, 1), PromoEvent.start_date <= date(year, 12, 31))
    if shop_id is not None:
        stmt = stmt.where((PromoEvent.shop_id == shop_id) | PromoEvent.shop_id.is_(None))
    stored = [PromotionPublic.model_validate(e) for e in session.execute(stmt).scalars()]
    if year is None:
        return stored
    corrected = {p.builtin_key for p in stored if p.builtin_key}
    builtin = [
        PromotionPublic(
            id=None,
            name=builtin_name(b.event, lang),
            kind="platform",
            shop_id=None,
            start_date=b.start,
            end_date=b.end,
            builtin_key=b.key,
        )
        for b in builtin_events(year)
        if b.key not in corrected
    ]
    return sorted(stored + builtin, key=lambda p: (p.start_date, p.name))


def _check(session: Session, shop_id: int | None, builtin_key: str | None) -> None:
    if shop_id is not None and session.get(Shop, shop_id) is None:
        raise coded(
            InvalidInput("Unknown shop.", [{"loc": ["shop_id"], "msg": f"{shop_id} does not exist"}]),
            "promotion.unknown_shop",
            "店铺不存在。",
        )
    if builtin_key is not None and split_key(builtin_key) is None:
        raise coded(
            InvalidInput(
                f"{builtin_key!r} names no built-in event; use a key from GET /api/v1/promotions?year=YYYY.",
                [{"loc": ["builtin_key"], "msg": "unknown"}],
            ),
            "promotion.unknown_builtin",
            f"{builtin_key} 不是内置平台活动；请使用 GET /api/v1/promotions?year=年份 列出的键。",
        )


def create_promotion(session: Session, caller: Caller, data: PromotionCreate) -> PromoEvent:
    """Add a campaign, or correct a built-in event's dates (`builtin_key`; company-wide); audited."""
    _check(session, data.shop_id, data.builtin_key)
    if data.builtin_key is not None:
        if data.shop_id is not None:
            raise coded(
                InvalidInput("A built-in platform event applies to every shop; leave shop_id empty."),
                "promotion.builtin_shop",
                "内置平台活动适用于所有店铺，请不要选择店铺。",
            )
        taken = select(PromoEvent.id).where(PromoEvent.builtin_key == data.builtin_key)
        if session.execute(taken).first() is not None:
            raise coded(
                Conflict(f"{data.builtin_key} is corrected already; PATCH that event instead."),
                "promotion.builtin_exists",
                f"{data.builtin_key} 已修正过；请修改那条记录。",
            )
    fields = data.model_dump()
    if data.builtin_key is not None:
        fields["kind"] = "platform"
    return common.create(session, PromoEvent(**fields), caller=caller, entity="promo_event")


def get_promotion(session: Session, promo_id: int) -> PromoEvent:
    """A stored event or NotFound."""
    row = session.get(PromoEvent, promo_id)
    if row is None:
        raise coded(NotFound(f"Promotion {promo_id} not found."), "promotion.not_found", f"活动 {promo_id} 不存在。")
    return row


@common.use_case
def update_promotion(
    session: Session, caller: Caller, promo_id: int, data: PromotionUpdate, if_match: str | None
) -> PromoEvent:
    """Change a campaign (If-Match, audited); the dates must stay in order."""
    row = get_promotion(session, promo_id)
    changes = data.model_dump(exclude_unset=True)
    cleared = [k for k in ("name", "kind", "start_date", "end_date") if k in changes and changes[k] is None]
    if cleared:
        raise coded(
            InvalidInput(
                f"{', '.join(cleared)} cannot be emptied; send a value or leave the field out.",
                [{"loc": ["body", k], "msg": "required"} for k in cleared],
            ),
            "promotion.required",
            "活动名称、类型和起止日期不能清空；请填写，或不传该字段。",
        )
    _check(session, changes.get("shop_id"), None)
    if changes.get("start_date", row.start_date) > changes.get("end_date", row.end_date):
        raise coded(
            InvalidInput("end_date must not be before start_date.", [{"loc": ["end_date"], "msg": "before start"}]),
            "promotion.dates",
            "结束日期不能早于开始日期。",
        )
    common.update_versioned(session, row, changes, if_match=if_match, caller=caller, entity="promo_event")
    return row


@common.use_case
def delete_promotion(session: Session, caller: Caller, promo_id: int) -> None:
    """Remove a campaign (a removed correction restores the built-in dates); audited."""
    row = get_promotion(session, promo_id)
    before = common.snapshot(row)
    session.delete(row)
    audit.record(session, actor=caller, action="delete", entity="promo_event", entity_id=promo_id, before=before)

"""Onboarding use cases the adapters call: the company, shops and the promotion calendar."""

from sqlalchemy.orm import Session

from core.security import Caller
from workflows.goals.schemas import ShopPublic
from workflows.onboarding.checklist import checklist
from workflows.onboarding.company import (
    create_company,
    create_shop,
    find_company,
    get_company,
    get_shop,
    update_company,
    update_shop,
)
from workflows.onboarding.objectives import edit_objective
from workflows.onboarding.promotions import (
    create_promotion,
    delete_promotion,
    get_promotion,
    list_promotions,
    update_promotion,
)
from workflows.onboarding.schemas import CompanyCreate, CompanyPublic, PromotionCreate, PromotionPublic, ShopCreate
from workflows.shared import common

__all__ = [
    "checklist",
    "create_company",
    "create_company_once",
    "create_promotion_once",
    "create_shop_once",
    "create_promotion",
    "create_shop",
    "delete_promotion",
    "edit_objective",
    "find_company",
    "get_company",
    "get_promotion",
    "get_shop",
    "list_promotions",
    "update_company",
    "update_promotion",
    "update_shop",
]


def create_company_once(session: Session, caller: Caller, data: CompanyCreate, key: str | None) -> common.Answer:
    """Create the company once per Idempotency-Key."""
    return common.create_once(session, caller, key, data, CompanyPublic, lambda: create_company(session, caller, data))


def create_shop_once(session: Session, caller: Caller, data: ShopCreate, key: str | None) -> common.Answer:
    """Add a shop once per Idempotency-Key."""
    return common.create_once(session, caller, key, data, ShopPublic, lambda: create_shop(session, caller, data))


def create_promotion_once(session: Session, caller: Caller, data: PromotionCreate, key: str | None) -> common.Answer:
    """Add a campaign (or correct a built-in event) once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, PromotionPublic, lambda: create_promotion(session, caller, data)
    )

"""Onboarding use cases the adapters call: the company, shops and the promotion calendar."""

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

__all__ = [
    "checklist",
    "create_company",
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

"""The company and its shops: created once by the first admin (or `kpilot init`), then corrected; audited."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import Company, Department, Shop
from workflows.onboarding.schemas import CompanyCreate, CompanyUpdate, ShopCreate, ShopUpdate
from workflows.shared import common


def find_company(session: Session) -> Company | None:
    """The one company of this installation, or None before set-up."""
    return session.execute(select(Company).order_by(Company.id)).scalars().first()


def get_company(session: Session) -> Company:
    """The company, or NotFound with the code `company.missing`."""
    company = find_company(session)
    if company is None:
        raise coded(
            NotFound("No company is set up yet; an admin creates it with POST /api/v1/company or `kpilot init`."),
            "company.missing",
            "尚未建立公司；请管理员通过 POST /api/v1/company 或 `kpilot init` 建立。",
        )
    return company


def create_company(session: Session, caller: Caller | None, data: CompanyCreate) -> Company:
    """Create the company, once (409 `company.exists` after); audited, the caller commits."""
    if find_company(session) is not None:
        raise coded(
            Conflict("The company already exists; change it with PATCH /api/v1/company."),
            "company.exists",
            "公司已存在；请用 PATCH /api/v1/company 修改。",
        )
    return common.create(session, Company(**data.model_dump()), caller=caller, entity="company")


@common.use_case
def update_company(session: Session, caller: Caller, data: CompanyUpdate, if_match: str | None) -> Company:
    """Correct the company's names, time zone, fiscal year or stage (If-Match, audited)."""
    company = get_company(session)
    changes = data.model_dump(exclude_unset=True)
    common.update_versioned(session, company, changes, if_match=if_match, caller=caller, entity="company")
    return company


def _check_department(session: Session, department_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise coded(
            InvalidInput("Unknown department.", [{"loc": ["department_id"], "msg": f"{department_id} does not exist"}]),
            "shop.unknown_department",
            "所属部门不存在。",
        )


def create_shop(session: Session, caller: Caller | None, data: ShopCreate) -> Shop:
    """Add a shop or channel (audited; the caller commits); needs the company first."""
    get_company(session)
    _check_department(session, data.department_id)
    if session.execute(select(Shop.id).where(Shop.code == data.code)).first() is not None:
        raise coded(
            Conflict(f"A shop with code {data.code!r} already exists."), "shop.exists", f"店铺编码 {data.code} 已存在。"
        )
    return common.create(session, Shop(**data.model_dump()), caller=caller, entity="shop")


def get_shop(session: Session, shop_id: int) -> Shop:
    """A shop or NotFound."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise coded(NotFound(f"Shop {shop_id} not found."), "shop.not_found", f"店铺 {shop_id} 不存在。")
    return shop


@common.use_case
def update_shop(session: Session, caller: Caller, shop_id: int, data: ShopUpdate, if_match: str | None) -> Shop:
    """Rename, re-assign or deactivate a shop (never deleted: its sales history stays); If-Match, audited."""
    shop = get_shop(session, shop_id)
    changes = data.model_dump(exclude_unset=True)
    _check_department(session, changes.get("department_id"))
    common.update_versioned(session, shop, changes, if_match=if_match, caller=caller, entity="shop")
    return shop

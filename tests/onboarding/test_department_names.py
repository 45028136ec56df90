"""A real company's department names find their catalogue department, so drafts work for them too."""

import pytest

from core.tables import Department
from workflows.drafts.inputs import catalogue_code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("运营部", "ops"),
        ("天猫运营部", "ops"),
        ("京东运营部", "ops"),
        ("客服中心", "cs"),
        ("总经办", None),
        ("财务部", None),
    ],
)
def test_department_names(name: str, code: str | None) -> None:
    assert catalogue_code(Department(code="D-1", name_zh=name, name_en="x")) == code

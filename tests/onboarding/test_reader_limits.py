"""Hostile and huge files cost bounded time and memory: limits are checked before the work, named in a 413."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from core.errors import InvalidInput, TooLarge
from tests.onboarding.conftest import login
from workflows.imports.reader import Limits, Table


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rewrite(content: bytes, part: str, change) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item.filename, change(data) if item.filename == part else data)
    return out.getvalue()


def declaring(rows: int) -> bytes:
    """A 2 KB workbook whose sheet says it spans A1:Z{rows} (the file that kept a server busy 4 minutes)."""
    small = _xlsx([["shop_code", "ds", "sales"], ["tmall", "2026-01-01", 1]])
    ref = f'<dimension ref="A1:Z{rows}"'.encode()
    return _rewrite(small, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb'<dimension ref="[^"]*"', ref, x))


def test_a_declared_million_rows_costs_nothing_and_more_is_refused_before_any_work() -> None:
    content = declaring(1_000_000)
    assert len(content) < 8000
    rows = list(Table(content, "bomb.xlsx").rows())  # the declared dimension is ignored, not padded up to
    assert [r for _, r in rows] == [{"shop_code": "tmall", "ds": "2026-01-01", "sales": "1"}]
    with pytest.raises(TooLarge) as caught:
        Table(declaring(2_000_000), "bomb.xlsx")
    assert caught.value.code == "import.rows" and "1,100,000" in str(caught.value)


def test_a_far_row_is_counted_as_rows_not_padded_forever() -> None:
    far = _rewrite(
        _xlsx([["a"], ["x"]]),
        "xl/worksheets/sheet1.xml",
        lambda x: (
            re.sub(rb'<dimension ref="[^"]*"/>', b"", x).replace(b'r="2"', b'r="900000"').replace(b'"A2"', b'"A900000"')
        ),
    )
    with pytest.raises(TooLarge) as caught:
        list(Table(far, "far.xlsx", Limits(max_rows=1000)).rows())
    assert caught.value.code == "import.rows"


def test_a_shared_strings_bomb_is_refused_by_its_declared_size() -> None:
    # 1 MB of repeated strings compresses to a few KB, and a parser holds every one of them in memory.
    strings = b"<sst>" + b"<si><t>" + b"x" * 1_000_000 + b"</t></si></sst>"
    out = io.BytesIO(_xlsx([["a"], ["b"]]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", strings)
    assert len(out.getvalue()) < 20_000
    with pytest.raises(TooLarge) as caught:
        Table(out.getvalue(), "strings.xlsx", Limits(max_shared_strings=500_000))
    assert caught.value.code == "import.shared_strings" and caught.value.zh


def test_cells_and_uncompressed_size_have_limits_too() -> None:
    wide = "\n".join(",".join(["1"] * 10) for _ in range(100)).encode()
    with pytest.raises(TooLarge) as caught:
        list(Table(wide, "wide.csv", Limits(max_cells=500)).rows())
    assert caught.value.code == "import.cells"
    with pytest.raises(TooLarge) as caught:
        Table(_xlsx([["a"], ["b"]]), "x.xlsx", Limits(max_uncompressed=1000))
    assert caught.value.code == "import.uncompressed"


def test_broken_files_are_422_with_a_code() -> None:
    with pytest.raises(InvalidInput) as caught:
        Table(b"PK\x03\x04 not really a zip", "broken.xlsx")
    assert caught.value.code == "import.bad_xlsx"
    with pytest.raises(InvalidInput) as caught:
        list(Table("name\n\xff\xfe".encode("latin-1"), "latin.csv").rows())
    assert caught.value.code == "import.not_utf8"


def test_an_import_answers_413_naming_the_limit(fresh) -> None:
    admin = login(fresh, "boss")
    r = fresh.post("/api/v1/imports/org", files={"file": ("bomb.xlsx", declaring(2_000_000))}, headers=admin)
    assert r.status_code == 413, r.text
    body = r.json()
    assert body["code"] == "import.rows" and "limit" in body["detail_en"] and "上限" in body["detail_zh"]


def test_imports_have_their_own_upload_limit(empty_url) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(empty_url, demo=False, max_body_bytes=4096, max_upload_bytes=50_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        admin = login(client, "boss")
        over = client.post("/api/v1/imports/org", files={"file": ("big.csv", b"x" * 60_000)}, headers=admin)
        assert (
            over.status_code == 413
            and over.json()["code"] == "request.too_large"
            and "50000" in over.json()["detail_en"]
        )
        # 10 KB: over the JSON body limit, well under the import limit (the file is read, then refused as a file).
        under = client.post(
            "/api/v1/imports/org", files={"file": ("org.csv", b"a,b\n" + b"1,2\n" * 2500)}, headers=admin
        )
        assert under.status_code == 422 and under.json()["code"] == "import.org_columns"
        body = client.post("/api/v1/shops", json={"code": "x" * 5000}, headers=admin)
        assert body.status_code == 413

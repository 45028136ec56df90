"""The web app: one HTML shell, ES modules calling the JSON API, and Swagger UI, all served from this process.

Nothing is fetched from a CDN: the app's files live in `api/web/static/`, Swagger UI's are vendored in
`api/web/static/vendor/swagger-ui/` (see VENDORED.md there). Pages call the same API routes with the same
permissions; there is no second access model here, only a session cookie (see `api.deps.session_token`).
"""

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.deps import Public

STATIC = Path(__file__).parent / "static"
SWAGGER = STATIC / "vendor" / "swagger-ui"
# The shell never caches (it names the assets); assets are revalidated with their ETag.
NO_STORE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
SHELL_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

router = APIRouter(include_in_schema=False)


@router.get("/", dependencies=[Depends(Public())])
def shell() -> FileResponse:
    """The app's one HTML page; the pages themselves are ES modules under /static."""
    return FileResponse(STATIC / "index.html", headers={**NO_STORE, "Content-Security-Policy": SHELL_CSP})


@router.get("/docs", dependencies=[Depends(Public())])
def swagger_ui() -> HTMLResponse:
    """Swagger UI from the vendored bundle (no CDN)."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="kpilot API",
        swagger_js_url="/static/swagger/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )


def install(app: FastAPI) -> None:
    """Serve the web app at / and its assets under /static (Swagger UI's under /static/swagger)."""
    app.include_router(router)
    app.mount("/static/swagger", StaticFiles(directory=SWAGGER), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

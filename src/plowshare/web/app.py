"""The lab's FastAPI app: one self-contained page and the JSON API it uses.

Safe by default: bad input is HTTP 422 with the same one-line message as the CLI; request
bodies over 64 KiB are 413; draws per request are bounded; no route takes a file path
(scenarios are shipped presets plus changes); every response carries a strict Content
Security Policy (scripts only from this server, no ``eval``, no connection elsewhere); the
interactive docs pages, which load assets from a CDN, are off (the schema is at
``/openapi.json``). On a loopback address only loopback ``Host`` headers are accepted
(against DNS rebinding).
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from functools import cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from plowshare.core.errors import InputError
from plowshare.engine.api import package_version

from . import service, workers
from .spec import MAX_BODY, MAX_CODE, LabScenario, decode, encode, from_toml, to_scenario, to_toml

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """ASGI middleware: security headers on every response, and a cap on request bodies."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        too_big = not length.isdigit() or int(length) > self.max_body
        api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [*HEADERS, *([(b"cache-control", b"no-store")] if api else [])]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if too_big:
            await _send_error(send_with_headers, 413, f"request body over {self.max_body} bytes")
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise _TooBig
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except _TooBig:
            await _send_error(send_with_headers, 413, f"request body over {self.max_body} bytes")


class _TooBig(Exception):
    pass


async def _send_error(send: Any, status: int, text: str) -> None:
    body = json.dumps({"detail": text}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def fast_json(data: Any, status: int = 200) -> Response:
    """JSON without FastAPI's encoder pass (the payloads are plain lists and floats)."""
    try:
        text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN or an infinity somewhere: JSON has neither, so null
        text = json.dumps(_clean(data), separators=(",", ":"), allow_nan=False)
    return Response(text, status, media_type="application/json")


# ---- request and response models (they are the OpenAPI schema) -------------------------------


class Error(BaseModel):
    detail: str = Field(description="One line: where, what was expected, the nearest valid name.")


class CentralIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: LabScenario = Field(default_factory=LabScenario)
    state_year: int = Field(default=service.STATE_YEAR, ge=2000, le=2200)


class BandsIn(CentralIn):
    draws: int = Field(
        default=service.BAND_DRAWS, ge=service.MIN_BAND_DRAWS, le=service.MAX_BAND_DRAWS
    )


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: LabScenario = Field(default_factory=LabScenario, description="Reference (its seed is used)")
    b: LabScenario = Field(default_factory=LabScenario)
    draws: int = Field(default=service.BAND_DRAWS, ge=1, le=service.MAX_BAND_DRAWS)


class ClaimsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: LabScenario = Field(default_factory=LabScenario)
    draws: int = Field(default=200, ge=service.MIN_BAND_DRAWS, le=service.MAX_CLAIMS_DRAWS)


class Results(BaseModel):
    """Answers (sentences with numbers), charts by question and the state view."""

    model_config = ConfigDict(extra="allow")
    draws: int
    answers: list[dict[str, Any]]
    charts: list[dict[str, Any]]
    states: dict[str, Any]
    share: str
    timing_ms: dict[str, float]


class Comparison(BaseModel):
    model_config = ConfigDict(extra="allow")
    draws: int
    differences: list[dict[str, Any]]
    charts: list[dict[str, Any]]


class ShareCode(BaseModel):
    code: str
    scenario: LabScenario


ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": Error, "description": "Bad input (one line)"},
    413: {"model": Error, "description": "Request body too large"},
}
BUSY: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    503: {"model": Error, "description": "Busy: too many jobs waiting"},
}


@cache
def static(name: str) -> bytes:
    if name == "plotly.min.js":
        from plotly.offline import get_plotlyjs

        return get_plotlyjs().encode()
    return (resources.files("plowshare.web") / "static" / name).read_bytes()


STATIC = {"lab.js": "text/javascript", "lab.css": "text/css", "plotly.min.js": "text/javascript"}


def create_app(
    processes: int = 1,
    allowed_hosts: list[str] | None = None,
    timeout: float = 60.0,
    band_draws: int = service.BAND_DRAWS,
    max_draws: int = service.MAX_BAND_DRAWS,
) -> FastAPI:
    """The lab. ``processes`` band workers (0 = a thread, for tests); ``allowed_hosts``
    restricts the ``Host`` header (None: any); ``band_draws``: the draws the page asks
    bands for; ``max_draws``: the most draws one request may ask for (at most the schema's
    limit)."""
    pool = workers.Workers(processes, timeout=timeout)
    limits = {"band_draws_default": band_draws, "band_draws_max": max_draws}
    page_meta = {**_meta(), "limits": {**_meta()["limits"], **limits}}

    def check_draws(draws: int) -> None:
        if draws > max_draws:
            raise InputError(f"at most {max_draws} draws per request, got {draws}", key="draws")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        pool.start()
        yield
        pool.close()

    app = FastAPI(
        title="plowshare lab",
        version=package_version(),
        description="Ask your own question of the plowshare models: levers, assumptions, "
        "central answers, 90 % bands, A/B on the same draws, share codes. "
        "Explores consequences of stated assumptions; not a forecast.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(InputError)
    async def bad_input(_r: Request, e: InputError) -> Response:
        return fast_json({"detail": e.one_line()}, 422)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_r: Request, e: RequestValidationError) -> Response:
        errs = e.errors()
        first = errs[0] if errs else {"loc": (), "msg": "invalid request"}
        where = " ".join(".".join(str(x) for x in first.get("loc", ())).split())
        msg = " ".join(str(first.get("msg", "")).split())
        return fast_json({"detail": f"<request>: {where}: {msg}"[:500]}, 422)

    @app.exception_handler(workers.Busy)
    async def busy(_r: Request, e: workers.Busy) -> Response:
        r = fast_json({"detail": f"busy: {e}"}, 503)
        r.headers["retry-after"] = "1"
        return r

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return Response(static("index.html"), media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    async def static_file(name: str) -> Response:
        if name not in STATIC:  # a fixed list: no path from the client reaches the disk
            return fast_json({"detail": "not found"}, 404)
        return Response(static(name), media_type=STATIC[name],
                        headers={"cache-control": "max-age=3600"})  # fmt: skip

    @app.get("/api/health")
    async def health() -> dict[str, Any]:
        return {"ok": True, "version": package_version(), "pending": pool.pending}

    @app.get("/api/meta")
    async def meta() -> Response:
        """Levers, uncertainties (distribution, status, sources), presets, states, limits."""
        return fast_json(page_meta)

    @app.post("/api/central", response_model=Results, responses=ERRORS)
    async def central(body: CentralIn) -> Response:
        """The central path (one run at central values): fast enough for every slider move."""
        return fast_json(service.central(body.scenario, body.state_year))

    @app.post("/api/bands", response_model=Results, responses=BUSY)
    async def bands(body: BandsIn) -> Response:
        """The 90 % bands over ``draws`` draws, computed in a worker process."""
        check_draws(body.draws)
        to_scenario(body.scenario)  # validate here: a 422 never waits in the queue
        out = await pool.run(
            workers.job_bands, body.scenario.model_dump_json(), body.draws, body.state_year
        )
        return fast_json(out)

    @app.post("/api/compare", response_model=Comparison, responses=BUSY)
    async def compare(body: CompareIn) -> Response:
        """B − A per draw, both on A's seed (common random numbers), with bands."""
        check_draws(body.draws)
        to_scenario(body.a)
        to_scenario(body.b)
        out = await pool.run(
            workers.job_compare, body.a.model_dump_json(), body.b.model_dump_json(), body.draws
        )
        return fast_json(out)

    @app.post("/api/claims", responses=BUSY)
    async def claims(body: ClaimsIn) -> Response:
        """The claims ledger re-evaluated with your scenario in place of each claim's policy."""
        check_draws(body.draws)
        to_scenario(body.scenario)
        out = await pool.run(workers.job_claims, body.scenario.model_dump_json(), body.draws)
        return fast_json(out)

    @app.post("/api/share", response_model=ShareCode, responses=ERRORS)
    async def share(body: LabScenario) -> ShareCode:
        """The share code of a scenario (deterministic, versioned); the page URL is ``/?s=CODE``."""
        to_scenario(body)
        return ShareCode(code=encode(body), scenario=body)

    @app.get("/api/share/{code}", response_model=ShareCode, responses=ERRORS)
    async def unshare(code: str) -> ShareCode:
        """The scenario a share code stands for."""
        if len(code) > MAX_CODE:
            raise InputError("share code too long", key="code")
        spec = decode(code)
        to_scenario(spec)
        return ShareCode(code=encode(spec), scenario=spec)

    @app.post(
        "/api/scenario.toml",
        responses={**ERRORS, 200: {"content": {"application/toml": {}}}},
        response_class=Response,
    )
    async def download(body: LabScenario) -> Response:
        """A scenario file for ``plowshare run`` (it inherits the preset by name)."""
        disposition = 'attachment; filename="lab-scenario.toml"'
        return Response(
            to_toml(body),
            media_type="application/toml",
            headers={"content-disposition": disposition},
        )

    @app.post(
        "/api/upload",
        response_model=ShareCode,
        responses=ERRORS,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"text/plain": {"schema": {"type": "string", "maxLength": MAX_BODY}}},
            }
        },
    )
    async def upload(request: Request) -> ShareCode:
        """Read a scenario TOML file (sent as the request body): levers, overrides, seed."""
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("not valid UTF-8 text", file="<upload>") from None
        spec = from_toml(text)
        return ShareCode(code=encode(spec), scenario=spec)

    app.add_middleware(Guard)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return app


@cache
def _meta() -> dict[str, Any]:
    return _clean(service.meta())


def _clean(x: Any) -> Any:
    """Non-finite floats as null (JSON has no NaN or infinity)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x

"""`plowshare serve`: the policy lab, a FastAPI app under uvicorn (127.0.0.1 by default)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from plowshare.core.errors import InputError

from .common import app, err


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    workers: Annotated[
        int, typer.Option(min=0, max=8, help="Processes computing bands (0: a thread).")
    ] = 1,
) -> None:
    """Open the lab: levers, central answers, 90 % bands, A/B, shareable links."""
    import uvicorn

    from plowshare.web.app import LOOPBACK_HOSTS, create_app

    if not host or any(c.isspace() for c in host):
        raise InputError("an address expected, e.g. 127.0.0.1", key="--host")
    local = is_loopback(host)
    if not local:
        err.print(
            f"warning: listening on {host}: anyone who can reach it can use the lab",
            highlight=False,
            markup=False,
        )
    lab = create_app(processes=workers, allowed_hosts=LOOPBACK_HOSTS if local else None)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"plowshare lab on http://{shown}:{port}/ (Ctrl-C stops it)", markup=False)
    uvicorn.run(lab, host=host, port=port, log_level="warning", access_log=False)

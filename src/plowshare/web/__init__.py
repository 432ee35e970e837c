"""The policy lab: ``plowshare serve`` (FastAPI + uvicorn), one page, a JSON API.

Sits above the engine (DESIGN §3): it imports core, engine, claims and report, and nothing
below imports it.
"""

from __future__ import annotations

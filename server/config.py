"""Service configuration, read once from TECHNIEKPACT_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a number of seconds, got {raw!r}") from None


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


def _bool(name: str, default: bool) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise SystemExit(f"{name} must be 1 or 0 (true/false, yes/no, on/off), got {raw!r}")
    return raw in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Config:
    store: str = "var/store"
    update_token: str | None = None  # updates are refused unless this is set
    reviewer_token: str | None = None  # may record doublure decisions (and nothing else)
    query_timeout: float = 5.0  # seconds
    result_limit: int = 10_000  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE)
    query_workers: int = 4  # processes that evaluate user queries
    prepare_timeout: float = 60.0  # seconds; bounds preparing saved queries' answers, 0: off
    prepare_validation: bool = True  # make each version's validation report in the background
    allowed_services: tuple[str, ...] = field(default_factory=tuple)  # IRI prefixes SERVICE/LOAD may reach
    sparql_endpoint: str | None = None  # remote mode: query URL of a SPARQL 1.1 server
    update_endpoint: str | None = None  # its update URL, when it differs

    @classmethod
    def from_env(cls, **overrides) -> Config:
        config = cls(
            store=os.environ.get("TECHNIEKPACT_STORE") or "var/store",
            update_token=os.environ.get("TECHNIEKPACT_UPDATE_TOKEN") or None,
            reviewer_token=os.environ.get("TECHNIEKPACT_REVIEWER_TOKEN") or None,
            query_timeout=_float("TECHNIEKPACT_QUERY_TIMEOUT", 5.0),
            result_limit=_int("TECHNIEKPACT_RESULT_LIMIT", 10_000),
            query_workers=_int("TECHNIEKPACT_QUERY_WORKERS", 4),
            prepare_timeout=_float("TECHNIEKPACT_PREPARE_TIMEOUT", 60.0),
            prepare_validation=_bool("TECHNIEKPACT_PREPARE_VALIDATION", True),
            allowed_services=tuple(
                s.strip() for s in os.environ.get("TECHNIEKPACT_ALLOWED_SERVICES", "").split(",") if s.strip()
            ),
            sparql_endpoint=os.environ.get("TECHNIEKPACT_SPARQL_ENDPOINT") or None,
            update_endpoint=os.environ.get("TECHNIEKPACT_UPDATE_ENDPOINT") or None,
        )
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})

"""The page language: Dutch or English, chosen by `?lang=`, then a remembered choice (a
cookie), then `Accept-Language`; Dutch when nothing says otherwise.

Templates get `lang` and `t(nl, en)`: the text in the page's language, written side by side
where it is used, so a page's two languages are read (and changed) together.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from flask import Flask, Response, g, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGES = ("nl", "en")
COOKIE = "lang"


def current_lang() -> str:
    """The language of this request's page."""
    if "lang" not in g:
        asked = (request.args.get("lang") or "").strip().lower()
        remembered = request.cookies.get(COOKIE, "")
        if asked in LANGUAGES:
            g.lang = asked
        elif remembered in LANGUAGES:
            g.lang = remembered
        else:
            g.lang = _best_language(request.headers.get("Accept-Language", ""))
    return g.lang


@lru_cache(maxsize=256)
def _best_language(header: str) -> str:
    """The language an Accept-Language header prefers, cached: clients send few distinct
    headers, and matching one cost a tiny query a sixth of its time."""
    return parse_accept_header(header, LanguageAccept).best_match(LANGUAGES, default="nl")


def t(nl: str, en: str) -> str:
    """The text in the page's language."""
    return en if current_lang() == "en" else nl


def url_with_lang(code: str) -> str:
    """This page's address with `lang` set to `code` (the language switch's link)."""
    args = request.args.copy()
    args["lang"] = code
    return request.path + "?" + urlencode(list(args.items(multi=True)))


def register(app: Flask) -> None:
    app.jinja_env.globals.update(t=t, current_lang=current_lang, url_with_lang=url_with_lang)

    @app.context_processor
    def language():
        return {"lang": current_lang()}

    @app.after_request
    def remember_choice(response: Response) -> Response:
        # request.args is parsed only when the query string can name a language (most requests
        # are SPARQL queries, whose text need not be parsed twice)
        asked = (request.args.get("lang") or "").strip().lower() if b"lang" in request.query_string else ""
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if "lang" in g:  # the page's language came from the request's headers too
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response

"""The server's languages: which one a request speaks, and dates in it.

Messages are gettext catalogues under ``server/translations`` (Flask-Babel).
A signed-in person's own choice (``User.language``) wins; someone not signed
in gets the best of their browser's languages, English when it names neither.
Work done outside a request (a job, a printable page for a family copy) says
which language it wants with ``in_language``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import IO, Any

import jinja2
from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import force_locale, format_date, get_locale, gettext, lazy_gettext, ngettext

from .clock import council_time
from .domain import plain_dates
from .domain.errors import Message, translatable
from .domain.languages import ENGLISH, LANGUAGES
from .domain.plain_dates import time_of_day
from .extensions import babel


def select_language() -> str:
    """Return the language of this request: the person's choice, else their browser's."""
    user = g.get("user") if has_request_context() else None
    if user is not None and user.language in LANGUAGES:
        return str(user.language)
    if has_request_context():
        return request.accept_languages.best_match(LANGUAGES, default=ENGLISH) or ENGLISH
    return ENGLISH


def current_language() -> str:
    """Return the language messages are being written in now: "en" or "cy"."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else ENGLISH


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Write messages and dates in this language for the block (a job, a family copy)."""
    with force_locale(language if language in LANGUAGES else ENGLISH):
        yield


def long_date(day: date | datetime | None) -> str:
    """Say a day in the current language: "6 December 2026", "6 Rhagfyr 2026"."""
    if day is None:
        return ""
    if not has_app_context():
        return plain_dates.long_date(day)  # outside the app (a unit test): English
    return format_date(day, format="d MMMM y")


AT_TIME = translatable("{day} at {time}")
MIDDAY, MIDNIGHT = translatable("midday"), translatable("midnight")


def date_and_time(moment: datetime) -> str:
    """Say a moment in London time in the current language: "5 December 2026 at 2:30pm"."""
    hour = time_of_day(moment)
    return say(
        translatable(
            AT_TIME,
            day=long_date(council_time(moment).date()),
            time=say(hour) if hour in (MIDDAY, MIDNIGHT) else hour,
        )
    )


def say(message: str) -> str:
    """Return a message in the current language, its values filled in as they are.

    For words made as they are read (a chronology's events, a bundle's index): a
    ``translatable`` message with values is looked up by its template, and the
    values (a name, a school, a team) go into the translation as they were written.
    """
    if isinstance(message, Message):
        return str(gettext(message.template)).format(**message.values)
    return str(gettext(message)) if message else message


# Messages marked where they are defined, translated when they are shown.
_ = lazy_gettext


def install_in(environment: jinja2.Environment) -> None:
    """Let one of our own template environments speak the current language: ``_()``, ``trans``."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext, ngettext, newstyle=True
    )


def init_app(app: Flask) -> None:
    """Speak English or Welsh: the catalogues, the language chooser, dates in templates."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", ENGLISH)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.globals["long_date"] = long_date


# The app's messages, as the PWA's code writes them: t("…") and tn("…", "…", n)
# with double-quoted literals, and N_("…") marking a code list's label that the
# screen showing it translates then. Babel's own JavaScript extractor loses calls that
# stand inside a template string after an apostrophe, an attribute's quotes or a
# nested template, so pwa/babel.cfg names this one instead.
_APP_MESSAGE = re.compile(
    r'(?<![\w$.])(?P<keyword>tn?|N_)\(\s*"(?P<first>(?:[^"\\\n]|\\.)*)"'
    r'(?:\s*,\s*"(?P<second>(?:[^"\\\n]|\\.)*)")?'
)
_COMMENT_LINE = re.compile(r"^\s*(//|/\*|\*)")


def _js_string(literal: str) -> str:
    return str(json.loads(f'"{literal}"'))


def extract_app_messages(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Yield each t("…"), N_("…") and tn("…", "…", n) of an app module, skipping comment lines."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    # Comment lines are blanked, not dropped, so line numbers stay true.
    code = "\n".join("" if _COMMENT_LINE.match(line) else line for line in text.split("\n"))
    for match in _APP_MESSAGE.finditer(code):
        lineno = code.count("\n", 0, match.start()) + 1
        first = _js_string(match["first"])
        if match["keyword"] == "tn" and match["second"] is not None:
            yield lineno, "ngettext", (first, _js_string(match["second"])), []
        elif match["keyword"] in ("t", "N_"):
            yield lineno, "gettext", first, []


def extract_vocabulary_labels(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yield each label of the code lists (server/data/vocabularies.json) for the app's catalogue.

    The app shows the labels the server sends, translated as it shows them
    (``t(label)``), so each label is a message; the codes are never translated.
    """
    lists = json.loads(fileobj.read().decode(options.get("encoding", "utf-8")))
    for name, labels in lists.items():
        for label in labels.values():
            yield 1, "gettext", label, [f"code list: {name}"]

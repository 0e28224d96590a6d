"""The app's message extractor finds every t() and tn() call, wherever it stands in the code."""

from __future__ import annotations

from io import BytesIO

from server.i18n import extract_app_messages

MODULE = """// t("Not this: a comment")
const a = html`<p>The family's view</p><nav aria-label="${t("Parts of this record")}">`;
const b = html`${backLink(`#/note/${id}`, t("Back to the note"))} ${t("Say \\"hello\\"")}`;
const c = tn(
  "{count} change",
  "{count} changes",
  waiting,
);
const d = split("not a message"); const e = i18n.t("a method, not the app's t");
"""


def test_every_call_is_found_with_its_line_and_plural():
    found = list(extract_app_messages(BytesIO(MODULE.encode()), ["t", "tn"], [], {}))
    assert found == [
        (2, "gettext", "Parts of this record", []),
        (3, "gettext", "Back to the note", []),
        (3, "gettext", 'Say "hello"', []),
        (4, "ngettext", ("{count} change", "{count} changes"), []),
    ]

"""The app's message extractor finds every t() and tn() call, wherever it stands in the code."""

from __future__ import annotations

import json
from io import BytesIO

from server.i18n import extract_app_messages, extract_vocabulary_labels

MODULE = """// t("Not this: a comment")
const a = html`<p>The family's view</p><nav aria-label="${t("Parts of this record")}">`;
const b = html`${backLink(`#/note/${id}`, t("Back to the note"))} ${t("Say \\"hello\\"")}`;
const c = tn(
  "{count} change",
  "{count} changes",
  waiting,
);
const d = split("not a message"); const e = i18n.t("a method, not the app's t");
const KINDS = [["held", N_("Conference held")], ["x", NN_("not the marker")]];
"""


def test_every_call_is_found_with_its_line_and_plural():
    found = list(extract_app_messages(BytesIO(MODULE.encode()), ["t", "tn"], [], {}))
    assert found == [
        (2, "gettext", "Parts of this record", []),
        (3, "gettext", "Back to the note", []),
        (3, "gettext", 'Say "hello"', []),
        (4, "ngettext", ("{count} change", "{count} changes"), []),
        (10, "gettext", "Conference held", []),
    ]


def test_each_code_list_label_is_a_message_and_no_code_is():
    lists = {"sex": {"F": "Female", "M": "Male"}, "ethnicity": {"WBRI": "White British"}}
    found = list(extract_vocabulary_labels(BytesIO(json.dumps(lists).encode()), [], [], {}))
    assert [message for _, _, message, _ in found] == ["Female", "Male", "White British"]
    assert found[0] == (1, "gettext", "Female", ["code list: sex"])

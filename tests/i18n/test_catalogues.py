"""Every message has a Welsh translation, and the catalogues are not stale.

The Welsh Language Standards' Active Offer: a message that reaches a person in
English when they chose Cymraeg is a defect. These read the catalogues as a
translator leaves them, and extract the messages afresh from the code, so a new
t("…") or _("…") without a Welsh line fails here (run `make translations`).
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SERVER_PO = ROOT / "server" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
SERVER_MO = SERVER_PO.with_suffix(".mo")
APP_PO = ROOT / "pwa" / "locales" / "cy.po"
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def _read(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale="cy")


def _extracted(cwd: Path, pot: Path, *keywords: str) -> Catalog:
    """Extract the messages the code uses now, as `make translations` does."""
    command = [*PYBABEL, "-q", "extract", "-F", "babel.cfg", "--no-location", "-o", str(pot)]
    for keyword in keywords:
        command += ["-k", keyword]
    subprocess.run([*command, "."], cwd=cwd, check=True, capture_output=True)
    return read_po(io.BytesIO(pot.read_bytes()))


def _untranslated(catalogue: Catalog) -> list[str]:
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            missing.append(str(message.id))
    return missing


@pytest.mark.parametrize("po", [SERVER_PO, APP_PO], ids=["server", "app"])
def test_every_message_has_a_welsh_translation(po):
    assert _untranslated(_read(po)) == []


def test_welsh_has_six_plural_forms_in_both_catalogues():
    for po in (SERVER_PO, APP_PO):
        assert _read(po).num_plurals == 6
    plural_ids = [message.id for message in _read(APP_PO) if message.pluralizable]
    assert ("{count} change waiting", "{count} changes waiting") in plural_ids


@pytest.mark.parametrize(
    ("folder", "keywords", "po"),
    [(ROOT, ("translatable",), SERVER_PO), (ROOT / "pwa", ("t", "tn:1,2"), APP_PO)],
    ids=["server", "app"],
)
def test_the_catalogue_holds_every_message_the_code_uses(folder, keywords, po, tmp_path):
    extracted = _extracted(folder, tmp_path / "messages.pot", *keywords)
    in_code = {str(message.id) for message in extracted if message.id}
    in_catalogue = {str(message.id) for message in _read(po) if message.id}
    assert sorted(in_code - in_catalogue) == [], "run `make translations`, then translate"


def _entries(catalogue: Catalog) -> dict[object, object]:
    # A plural message's id and forms are lists in a compiled catalogue, tuples in a PO.
    def same(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {same(message.id): same(message.string) for message in catalogue if message.id}


def test_the_compiled_server_catalogue_matches_its_po():
    with SERVER_MO.open("rb") as mo:
        compiled = _entries(read_mo(mo))
    written = _entries(_read(SERVER_PO))
    assert compiled == written, "run `make translations` to compile server/translations"

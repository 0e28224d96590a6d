"""Every screen in Welsh: a safety net for English the translation missed.

Each role with screens signs in, chooses Cymraeg and opens every address the
phone test visits (its SCREENS list covers every route of the app). On each,
what a person meets (the visible text, the options of a list, aria-labels,
placeholders, titles and the page title) must hold none of a few common English
words that Welsh never uses. The council's own records are English (the demo's
notes, names and plans): everything the device holds and every answer the
server sends is taken out first, so what is left is the app's own words.

What the sweep allows, and why:
- text marked lang="en" or "en-GB" (the language screen offers English in English,
  as the Active Offer asks; a family copy is drawn and printed in its own language);
- the records and the server's answers (families, notes, policy names, staff),
  which are what people wrote, in the language they wrote it; the code lists'
  labels are NOT taken out: the app says them with t(), so they must be Welsh.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_layout import SCREENS, council, fill, open_screen, phone, sign_in_as

__all__ = ["council"]  # the phone test's demo council, as a fixture here too

# Whole words of everyday English that no Welsh sentence has. Small on purpose:
# each is common in English and never a Welsh word ("a", "is", "i", "o", "ac" and
# "yn" are Welsh too, so they are not here).
ENGLISH = re.compile(
    r"\b(the|and|your|you|with|this|that|for|has|have|not|from|are|was|will|when|what|of)\b",
    re.IGNORECASE,
)

# Collect every string the server sends the page (its records and answers), as data.
COLLECT_SERVER_STRINGS = """(() => {
  const seen = (window.__sweepData = window.__sweepData || new Set());
  const walk = (value, key) => {
    if (key === "vocabularies") return; // code lists: the app translates their labels
    if (typeof value === "string") seen.add(value);
    else if (Array.isArray(value)) value.forEach((item) => walk(item));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  const original = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await original(...args);
    try {
      const url = String(args[0]?.url || args[0]);
      if (url.includes("/api/") && (response.headers.get("content-type") || "").includes("json")) {
        response.clone().json().then((body) => walk(body)).catch(() => {});
      }
    } catch {}
    return response;
  };
})();"""

# Run in the page: the app's own words on show, with the records' and the server's taken out.
APP_WORDS = r"""() => {
  const data = new Set(window.__sweepData || []);
  const session = window.fieldwork?.session;
  const walk = (value, key) => {
    if (key === "vocabularies") return;
    if (typeof value === "string") data.add(value);
    else if (value instanceof Map) value.forEach((v) => walk(v));
    else if (Array.isArray(value)) value.forEach((item) => walk(item));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  if (session?.data) {
    walk(session.data.confirmed);
    walk(session.data.outbox);
    walk(session.data.reference);
  }
  if (session?.user) walk(session.user);
  // Each record's text whole, and its parts of two words or more (a task shown
  // beside a label, the end of a sentence after a comma): what a screen may quote.
  const SEPARATORS = /[“”"…:;,.!?()\[\]\n]|\s[\u2013\u2014-]\s/;
  const parts = [...data].flatMap((s) =>
    s.split(SEPARATORS).map((part) => part.trim()).filter((part) => /\S\s+\S/.test(part)),
  );
  const strings = [...new Set([...data, ...parts].map((s) => s.trim()))]
    .filter((s) => s.length >= 2)
    .sort((a, b) => b.length - a.length);
  const blob = strings.join("\n").toLowerCase();
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // A record shown in part ("“We talked about…”", lower-cased): a piece of some
  // record's text, at least a few words long, is the record's too. Then the
  // whole records named in what is left (a name in a sentence) come out.
  const withoutData = (text) =>
    text
      .split(SEPARATORS)
      .filter((piece) => {
        const words = piece.trim().toLowerCase();
        return !(words.length >= 10 && blob.includes(words));
      })
      .map((piece) => {
        let left = piece;
        for (const s of strings) {
          if (!left.includes(s)) continue;
          const whole = `(?<![\\p{L}\\p{N}])${escape(s)}(?![\\p{L}\\p{N}])`;
          left = left.replace(new RegExp(whole, "gu"), " ");
        }
        return left.trim();
      })
      .filter(Boolean)
      .join(" | ");
  const english = (element) => /^en\b/.test(element.closest("[lang]")?.getAttribute("lang") || "");
  const found = [];
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || english(element)) continue;
    if (element.closest("script, style, template, [hidden]")) continue;
    const inList = element.closest("option, optgroup");
    const forScreenReaders = element.closest(".govuk-visually-hidden");
    const shown = element.checkVisibility({ visibilityProperty: true });
    if (!inList && !shown && !forScreenReaders) continue;
    found.push(withoutData(node.textContent));
  }
  const NAMED = ["aria-label", "placeholder", "title", "alt", "aria-description"];
  for (const element of document.querySelectorAll(NAMED.map((name) => `[${name}]`).join(", "))) {
    if (english(element)) continue;
    for (const name of NAMED) {
      const value = element.getAttribute(name);
      if (value) found.push(withoutData(value));
    }
  }
  found.push(withoutData(document.title));
  return found.filter((text) => text.trim());
}"""


def english_on(page: Any) -> list[str]:
    """Return each piece of the app's own text on show that has English words in it."""
    return sorted({text.strip() for text in page.evaluate(APP_WORDS) if ENGLISH.search(text)})


def sweep(page: Any, screens: list[str], ids: dict[str, str]) -> list[str]:
    found = []
    for address in screens:
        heading = open_screen(page, fill(address, ids))
        for text in english_on(page):
            words = sorted({word.lower() for word in ENGLISH.findall(text)})
            found.append(f"{address} ({heading}): {text!r} [{', '.join(words)}]")
    return found


def choose_welsh(page: Any) -> None:
    """Choose Cymraeg on the language screen, which online-only roles open signed in."""
    open_screen(page, "#/language")
    page.get_by_label("Cymraeg").check()
    page.locator("#language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")


def welsh_device(new_context: Any) -> Any:
    """A phone whose page records what the server sends it."""
    page = phone(new_context)
    page.add_init_script(COLLECT_SERVER_STRINGS)
    return page


@pytest.mark.parametrize("username", ["cw.amara", "sup.north", "lead", "performance", "admin"])
def test_every_screen_of_each_role_is_in_welsh(council, new_context, username) -> None:
    page = welsh_device(new_context)
    page.goto("/")
    page.get_by_role("heading", level=1).first.wait_for()
    sign_in_as(page, username)
    choose_welsh(page)
    found = sweep(page, SCREENS[username], council)
    assert found == [], "English on Welsh screens:\n" + "\n".join(found)


def test_the_screens_before_signing_in_are_in_welsh(council, new_context) -> None:
    """The device's last language (Cymraeg) speaks before anyone signs in."""
    page = welsh_device(new_context)
    page.add_init_script("localStorage.setItem('fieldwork-language', 'cy')")
    page.goto("/")
    page.get_by_role("heading", level=1).first.wait_for()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    found = sweep(page, SCREENS["signed-out"], council)
    assert found == [], "English on Welsh screens:\n" + "\n".join(found)


def test_the_sweep_finds_english_left_on_a_welsh_screen(council, new_context) -> None:
    """The net has no hole: English the app says is caught, the records' English is not."""
    page = welsh_device(new_context)
    page.goto("/")
    page.get_by_role("heading", level=1).first.wait_for()
    sign_in_as(page, "cw.amara")
    choose_welsh(page)
    open_screen(page, "#/")
    assert english_on(page) == []
    page.evaluate(
        """() => {
          const here = document.querySelector('#main-content h1');
          here.insertAdjacentHTML('afterend', '<p>Choose the date of the visit</p>'
            + '<button aria-label="Save and continue">Cadw</button>'
            + '<p lang="en">Choose the language of this app</p>');
        }"""
    )
    assert english_on(page) == ["Choose the date of the visit", "Save and continue"]

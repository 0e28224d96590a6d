"""The languages the service speaks: English, and Welsh for the Active Offer."""

from __future__ import annotations

ENGLISH = "en"
WELSH = "cy"
# The order people are offered them in; English is the default for a new account.
LANGUAGES = (ENGLISH, WELSH)

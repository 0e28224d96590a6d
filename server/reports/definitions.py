"""What each measure of the service summary counts, in words council staff read.

These are the definitions printed in every summary's appendix (and in its
spreadsheet and CSV). ``docs/metrics.md`` gives the same rules with the
columns and queries behind them; the two must say the same thing, and
``tests/reports/test_definitions.py`` checks that every table has one here
and a heading there.
"""

from __future__ import annotations

from typing import Any

from ..domain.errors import translatable

# The rules every measure follows.
COMMON_RULES: tuple[str, ...] = (
    translatable(
        "A period runs from the start of its first day to the end of its last day. Times are "
        "compared in Coordinated Universal Time (UTC): in British Summer Time, something "
        "recorded between midnight and 1am counts on the day before. Dates, such as the day a "
        "visit was due, are used as they were recorded."
    ),
    translatable(
        "A family belongs to the team that holds its record. Only that team's workers can be "
        "allocated to it, so this is also the allocated worker's team. Each table has a row for "
        "every team holding at least one family made before the end of the period, and a "
        "Council row for the whole council."
    ),
    translatable("Deleted records, and every record of a deleted family, are left out."),
    translatable(
        "A family is open in the period if its record is open now, or if anyone was assigned to "
        "work with it at some time during the period. The record keeps no closing date, so a "
        "family closed without its assignments being ended counts as open until they end."
    ),
    translatable(
        "An allocation is an assignment of an allocated worker. It runs from the day it "
        "started to the day before it ended: at a handover, one ends and the next starts on the "
        "same day."
    ),
    translatable(
        "A value that is not on the council's code lists is counted as Other. Its text is never "
        "shown, because free text could name someone."
    ),
)

# By table id: what a row counts and what each column means.
MEASURES: dict[str, tuple[str, ...]] = {
    "families_and_contacts": (
        translatable("Families open: families open in the period."),
        translatable(
            "Meaningful contacts: contacts recorded as meaningful that took place in the period."
        ),
        translatable(
            "Meaningful contacts per family per month: meaningful contacts divided by families "
            "open, divided by the number of months in the period (its days divided by 30.4375). "
            "Not applicable when no family was open."
        ),
        translatable(
            "Median days between meaningful contacts: for each meaningful contact in the period, "
            "the number of days since the same family's previous meaningful contact, which may "
            "have been before the period. A family's first contact has no gap. The median of "
            "those gaps."
        ),
    ),
    "interactions_by_mode": (
        translatable(
            "Every contact that took place in the period, by how it happened (home visit, phone "
            "call and so on), with all contacts for each team. This table and interactions by "
            "purpose are checked together, so a team's total hidden in one is hidden in the other."
        ),
    ),
    "interactions_by_purpose": (
        translatable(
            "Every contact that took place in the period, by what it was for (statutory visit, "
            "direct work and so on), with all contacts for each team. Checked together with "
            "interactions by mode."
        ),
    ),
    "continuity": (
        translatable(
            "Families open in the period, by how many different workers were allocated to them at "
            "any time in the 12 months up to the last day of the period: 1, 2, or 3 or more. "
            "Families with no allocated worker in those months are not counted."
        ),
    ),
    "current_allocation": (
        translatable(
            "Families with an allocated worker on the last day of the period. For each, the number "
            "of days from the start of that allocation to the end of the period; the median of "
            "those numbers."
        ),
    ),
    "handover_reasons": (
        translatable(
            "Allocations that ended in the period, by the reason recorded for the handover. Not "
            "recorded means no reason was given."
        ),
    ),
    "visit_timeliness": (
        translatable(
            "Statutory visits due in the period, one for each child on a plan (running, or ended, "
            "as corrected) and each visit the council's timescale for that plan sets: the first "
            "from the start of the plan or placement, each next one from the visit that met the "
            "one before. The visits counted are statutory visits where that child was recorded "
            "as seen."
        ),
        translatable(
            "Met on time: the child was seen on or before the day the visit was due. Late: seen "
            "after it. Not done: the child has not been seen since the visit before and the day "
            "has passed, before the summary was made or before the end of the period if that is "
            "earlier. A visit due on or after that day with no visit yet is not counted, nor one "
            "due after the plan ended. Visits due: met on time, late and not done together. "
            "Percentage met on time: met on time divided by visits due."
        ),
        translatable(
            "A family with no child on a plan has no visits due. Because not done depends on the "
            "day, a summary of the current month made today counts fewer visits than the same "
            "month's summary made next month."
        ),
    ),
    "visit_timeliness_by_plan": (
        translatable(
            "The same statutory visits as the timeliness table, by the plan the child was on: "
            "early help, child in need, child protection or looked after, with the council total."
        ),
    ),
    "children_seen": (
        translatable(
            "Children taking part in statutory visits in the period: those seen, and those seen "
            "alone, each child counted once for each visit. Percentage seen alone: seen alone "
            "divided by seen."
        ),
    ),
    "judgments_by_light": (
        translatable(
            "Judgment log entries signed in the period, by the light of their kind of decision "
            "(green, yellow or red). Checked together with judgments by kind of decision."
        ),
    ),
    "judgments_by_category": (
        translatable(
            "Judgment log entries signed in the period, by kind of decision, named as in the "
            "latest decision policy that has that kind. Checked together with judgments by light."
        ),
    ),
    "judgment_practice": (
        translatable(
            "With the family's view: judgments signed in the period that record the family's "
            "view; the percentage is of all judgments signed in the period."
        ),
        translatable(
            "Due for review: signed judgments whose review date falls in the period. Reviewed by "
            "their review date: of those, the ones reviewed on or before that date."
        ),
    ),
    "supervision": (
        translatable(
            "Notes and decisions talked about in supervision: those with a comment, question, "
            "reply, mark of discussion, or a worker's disagreement or escalation made in the "
            "period, each counted once. Families discussed in group supervision: each family "
            "discussed at a session held in the period. Decisions reviewed: judgments whose "
            "review was made in the period."
        ),
        translatable(
            "These are counts of conversations held, never a ranking or a target: how fast a "
            "supervisor responds is not measured, because timing responses turns supervision "
            "back into sign-off."
        ),
    ),
    "conferences": (
        translatable(
            "Offered: family group conferences referred in the period (or, with no referral date, "
            "recorded in it). Held: conferences that met in the period, unless declined."
        ),
        translatable(
            "Median days from referral to conference: for conferences held in the period with a "
            "referral date, the days between the two. Plans reviewed: conferences whose review "
            "date falls in the period and whose plan has been reviewed or closed."
        ),
    ),
    "plan_actions": (
        translatable(
            "Family plan actions made before the end of the period and not due before it began "
            "(or with no due date), by their status now: the record keeps no history of status. "
            "Percentage on track: on track divided by all actions."
        ),
    ),
    "suggestions": (
        translatable(
            "Practice suggestions made in the period, by the team of the person who made them "
            "(staff outside the family teams share the Other staff row), by what has become of "
            "them now: adopted, being tried, or neither yet. Percentage adopted: adopted divided "
            "by made."
        ),
    ),
    "contacts_by_month": (
        translatable(
            "Meaningful contacts across the council in each of the 12 calendar months ending with "
            "the month the period ends in. The chart of meaningful contacts over time draws this "
            "table."
        ),
    ),
}


def definitions_for(tables: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the common rules and the definition of each of these tables, in their order."""
    return {
        "common": list(COMMON_RULES),
        "measures": [
            {"id": table["id"], "title": table["title"], "text": list(MEASURES[table["id"]])}
            for table in tables
            if table["id"] in MEASURES
        ],
    }

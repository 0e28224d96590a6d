"""A family's chronology: significant events, proposed from records already held.

Each **event source** is one small function that reads one kind of record of
one family and returns its events (``Event``: the day, a title, a short
summary, the children it concerns, and the record it came from). The
chronology is every source's events, with the entries workers added
themselves, in date order. To add a source (strategy discussions, closures,
transfers), write its function and add it to ``SOURCES`` below: one line.

Nothing here reads a restricted field. A looked-after child's placement
address (``placement_address``, services/placements.py) is never read by any
source, and every query is of the one family asked for, so a print can hold
nothing of another family. A family's own moves give the town moved to, not
the street: a chronology is printed and shared, and a street can be the one
thing a family needs kept from someone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import ngettext

from .. import access, clock, i18n
from ..audit import Actor, AuditAction, record_event
from ..domain.errors import InvalidInput, field_errors, translatable
from ..domain.records import SignState
from ..domain.referrals import NO_FACTORS
from ..extensions import db
from ..i18n import _
from ..persistence import (
    Assignment,
    CaseEpisode,
    CaseSummary,
    ChronologyEntry,
    Conference,
    DecisionPolicy,
    Family,
    FamilyTransfer,
    Judgment,
    Membership,
    Person,
    PlanEpisode,
    Referral,
    Relationship,
    StrategyDiscussion,
    Team,
    User,
)
from ..vocabularies import vocabularies


@dataclass(frozen=True)
class Event:
    """One significant event of a family's chronology."""

    on: date
    title: str
    summary: str
    # The children it concerns; empty: the whole family (every child).
    child_ids: tuple[uuid.UUID, ...]
    source_kind: str
    source_id: uuid.UUID
    # Which event of its record this is ("start", "end", "referred"...): with the
    # kind and id, a key that stays the same from one reading to the next.
    part: str = ""
    # For an event a worker added: where the information came from and its impact.
    source: str | None = None
    impact: str | None = None
    added_by: str | None = None
    proposed: bool = True

    @property
    def key(self) -> str:
        return f"{self.source_kind}:{self.source_id}:{self.part}"

    def concerns(self, child_id: uuid.UUID | None) -> bool:
        """Whether the event belongs in a chronology for this child (None: any)."""
        return child_id is None or not self.child_ids or child_id in self.child_ids


A_WORKER = translatable("a worker")
A_CHILD = translatable("a child")


@dataclass
class FamilyRecords:
    """What every source is handed: the family, and its children by id."""

    family: Family
    children: dict[uuid.UUID, Person] = field(default_factory=dict)
    _names: dict[uuid.UUID, str] = field(default_factory=dict)

    def worker_name(self, user_id: uuid.UUID | None) -> str:
        if user_id is None:
            return _say(A_WORKER)
        if user_id not in self._names:
            user = db.session.get(User, user_id)
            self._names[user_id] = user.display_name if user is not None else _say(A_WORKER)
        return self._names[user_id]

    def child_name(self, child_id: uuid.UUID) -> str:
        child = self.children.get(child_id)
        return (child.known_as or child.given_name) if child is not None else _say(A_CHILD)


EventSource = Callable[[FamilyRecords], Iterable[Event]]


# Events are made as they are read, never stored, so each reader has them in
# their own language; a name, a school or a team is filled in as it was written.
_say = i18n.say


def _label(vocabulary: str, code: str | None) -> str:
    """Return a code list's label in the reader's language (an unknown code as it is)."""
    if code is None:
        return ""
    label = vocabularies()[vocabulary].get(code)
    return _say(label) if label else code


def _then(*sentences: str) -> str:
    """Join the sentences that are there with a space."""
    return " ".join(sentence for sentence in sentences if sentence)


def _live(model: Any, family_id: uuid.UUID) -> sa.Select[Any]:
    return sa.select(model).where(model.family_id == family_id, model.deleted_at.is_(None))


# --- the sources ------------------------------------------------------------------------


def plan_episodes(records: FamilyRecords) -> Iterable[Event]:
    """Each child's plan starting and ending."""
    for episode in db.session.scalars(_live(PlanEpisode, records.family.id)):
        name = records.child_name(episode.person_id)
        plan = _label("plan_type", episode.plan_type)
        detail = ""
        if episode.cp_category:
            category = _label("cp_category", episode.cp_category).lower()
            detail = _say(translatable("Category: {category}.", category=category))
        if episode.legal_status:
            status = _label("legal_status", episode.legal_status)
            detail = _say(translatable("Legal status: {status}.", status=status))
        if episode.plan_type == "looked_after":
            title = _say(translatable("{name}: began to be looked after", name=name))
            summary = _say(translatable("{name} began to be looked after.", name=name))
        else:
            title = _say(translatable("{name}: {plan} started", name=name, plan=plan))
            summary = _say(translatable("{name}'s {plan} started.", name=name, plan=plan.lower()))
        yield Event(
            episode.started_on,
            title,
            _then(summary, detail),
            (episode.person_id,),
            "plan_episode",
            episode.id,
            "start",
        )
        if episode.ended_on is not None:
            reason = _label("plan_end_reason", episode.end_reason)
            if episode.plan_type == "looked_after":
                title = _say(translatable("{name}: stopped being looked after", name=name))
                summary = _say(translatable("{name}: stopped being looked after.", name=name))
            else:
                title = _say(translatable("{name}: {plan} ended", name=name, plan=plan))
                summary = _say(translatable("{name}: {plan} ended.", name=name, plan=plan.lower()))
            why = _say(translatable("Why: {reason}.", reason=reason.lower())) if reason else ""
            yield Event(
                episode.ended_on,
                title,
                _then(summary, why),
                (episode.person_id,),
                "plan_episode",
                episode.id,
                "end",
            )


def conferences(records: FamilyRecords) -> Iterable[Event]:
    """Family group conferences: the referral, the meeting, the review."""
    for conference in db.session.scalars(_live(Conference, records.family.id)):
        referrer = (conference.referral or {}).get("referrer")
        if conference.referred_on:
            yield Event(
                conference.referred_on,
                _say(translatable("Referred for a family group conference")),
                _say(translatable("Referred by {referrer}.", referrer=referrer))
                if referrer
                else _say(translatable("The family were referred.")),
                (),
                "conference",
                conference.id,
                "referred",
            )
        if conference.plan_agreed_on:
            yield Event(
                conference.plan_agreed_on,
                _say(translatable("Family group conference: the family's plan agreed")),
                _then(
                    _took_part(len(conference.attending or [])),
                    _say(
                        translatable(
                            "The family made a plan in private family time, and it was agreed."
                        )
                    ),
                ),
                (),
                "conference",
                conference.id,
                "plan_agreed",
            )
        if conference.review_on and conference.status in ("reviewed", "closed"):
            yield Event(
                conference.review_on,
                _say(translatable("Family group conference review")),
                _say(translatable("The family and their network met to review their plan.")),
                (),
                "conference",
                conference.id,
                "review",
            )


def _took_part(count: int) -> str:
    if count == 0:
        return ""
    return str(ngettext("%(num)d person took part.", "%(num)d people took part.", count))


OUTCOMES = {
    "approved": translatable("A manager approved it."),
    "declined": translatable("A manager declined it."),
}


def red_decisions(records: FamilyRecords) -> Iterable[Event]:
    """Signed decisions with a red light: those a manager approves."""
    query = _live(Judgment, records.family.id).where(
        Judgment.light == "red", Judgment.state == "signed"
    )
    labels: dict[int, dict[str, str]] = {}
    for judgment in db.session.scalars(query):
        if judgment.policy_version not in labels:
            policy = db.session.get(DecisionPolicy, judgment.policy_version)
            labels[judgment.policy_version] = (
                {category["key"]: category["label"] for category in (policy.categories or [])}
                if policy is not None
                else {}
            )
        # The council's own name for the kind of decision, shown as it wrote it.
        category = labels[judgment.policy_version].get(judgment.category, judgment.category)
        signed = judgment.device_signed_at or judgment.signed_at or judgment.created_at
        decision = judgment.decision.strip()
        yield Event(
            clock.council_date(signed),
            _say(translatable("Decision: {category}", category=category)),
            _then(
                judgment.question.strip(),
                _say(translatable("Decided: {decision}", decision=decision)) if decision else "",
                _say(OUTCOMES.get(judgment.status, "")),
            ),
            (),
            "judgment",
            judgment.id,
            "signed",
        )


def handovers(records: FamilyRecords) -> Iterable[Event]:
    """The family handed from one worker to the next."""
    query = _live(Assignment, records.family.id).where(Assignment.ended_on.is_not(None))
    assignments = list(db.session.scalars(query.order_by(Assignment.started_on)))
    later = list(db.session.scalars(_live(Assignment, records.family.id)))
    for assignment in assignments:
        if assignment.change_reason is None or assignment.ended_on is None:
            continue
        ended_on = assignment.ended_on
        following = [
            other
            for other in later
            if other.id != assignment.id
            and other.role == assignment.role
            and other.started_on >= ended_on
        ]
        after = min(following, key=lambda other: other.started_on, default=None)
        worker = records.worker_name(assignment.worker_id)
        handed = (
            translatable(
                "{worker} handed the family over to {next}.",
                worker=worker,
                next=records.worker_name(after.worker_id),
            )
            if after is not None
            else translatable("{worker} handed the family over.", worker=worker)
        )
        reason = _label("handover_reason", assignment.change_reason)
        yield Event(
            ended_on,
            _say(translatable("A new allocated worker")),
            _then(_say(handed), _say(translatable("Why: {reason}.", reason=reason.lower()))),
            (),
            "assignment",
            assignment.id,
            "handover",
        )


def address_changes(records: FamilyRecords) -> Iterable[Event]:
    """The family moving home (the town moved to: the street is left out)."""
    family = records.family
    history = list(family.address_history or [])
    addresses = [*history, *([family.address] if family.address else [])]
    for index, earlier in enumerate(history):
        moved = earlier.get("until") or (addresses[index + 1].get("since"))
        if not moved:
            continue
        town = addresses[index + 1].get("town") if index + 1 < len(addresses) else None
        yield Event(
            date.fromisoformat(moved),
            _say(translatable("The family moved home")),
            _say(translatable("The family moved to a new home in {town}.", town=town))
            if town
            else _say(translatable("The family moved home.")),
            (),
            "family",
            family.id,
            f"moved:{index}",
        )


def school_changes(records: FamilyRecords) -> Iterable[Event]:
    """A child starting at or leaving a school, where the network map dates it."""
    query = _live(Relationship, records.family.id).where(
        Relationship.organisation_kind == "school",
        Relationship.from_person_id.in_(list(records.children)),
    )
    for link in db.session.scalars(query):
        name = records.child_name(link.from_person_id)
        school = link.to_organisation or _say(translatable("a new school"))
        if link.valid_from is not None:
            yield Event(
                link.valid_from,
                _say(translatable("{name}: started at {school}", name=name, school=school)),
                _say(translatable("{name} started at {school}.", name=name, school=school)),
                (link.from_person_id,),
                "relationship",
                link.id,
                "started",
            )
        if link.valid_to is not None:
            yield Event(
                link.valid_to,
                _say(translatable("{name}: left {school}", name=name, school=school)),
                _say(translatable("{name} left {school}.", name=name, school=school)),
                (link.from_person_id,),
                "relationship",
                link.id,
                "left",
            )


def strategy_discussions(records: FamilyRecords) -> Iterable[Event]:
    """Each signed strategy discussion, titled by its decision, and the ICPC it led to."""
    query = _live(StrategyDiscussion, records.family.id).where(
        StrategyDiscussion.state == SignState.SIGNED.value
    )
    for discussion in db.session.scalars(query):
        children = tuple(uuid.UUID(child) for child in discussion.child_ids)
        decided = _label("strategy_decision", discussion.decision)
        in_title = decided[:1].lower() + decided[1:]
        yield Event(
            clock.council_date(discussion.discussed_at),
            _say(translatable("Strategy discussion: {decision}", decision=in_title)),
            _say(
                translatable(
                    "Agencies took part: {count}. Decided: {decision}.",
                    count=len(discussion.participants),
                    decision=decided,
                )
            ),
            children,
            "strategy_discussion",
            discussion.id,
            "held",
        )
        if discussion.icpc_held_on is not None:
            yield Event(
                discussion.icpc_held_on,
                _say(translatable("Initial child protection conference held")),
                _say(translatable("Due by {day}.", day=i18n.long_date(discussion.icpc_due_on)))
                if discussion.icpc_due_on
                else _say(translatable("The initial child protection conference was held.")),
                children,
                "strategy_discussion",
                discussion.id,
                "icpc",
            )


def referrals(records: FamilyRecords) -> Iterable[Event]:
    """A child referred to us (by whom, and the need), and the assessment that followed.

    The assessment's event is the day a manager authorised it (when it was
    completed), with what it found: the factors it identified.
    """
    needs = vocabularies()["cin_primary_need"]
    for referral in db.session.scalars(_live(Referral, records.family.id)):
        name = records.child_name(referral.person_id)
        source = _label("cin_referral_source", referral.source)
        need = _say(needs.get(referral.primary_need or "", ""))
        yield Event(
            referral.referred_on,
            _say(translatable("{name}: referred to children's social care", name=name)),
            _then(
                _say(translatable("Referred by: {source}.", source=source)),
                _say(translatable("Main need: {need}.", need=need)) if need else "",
                _say(translatable("No further action was taken."))
                if referral.no_further_action
                else "",
            ),
            (referral.person_id,),
            "referral",
            referral.id,
            "referred",
        )
        if referral.assessment_authorised_on is not None:
            codes = list(referral.assessment_factors or [])
            factors = [_label("cin_assessment_factor", code) for code in codes]
            if codes == [NO_FACTORS]:
                found = _say(translatable("It identified no factors."))
            elif factors:
                found = _say(
                    translatable("Factors identified: {factors}.", factors="; ".join(factors))
                )
            else:
                found = _say(translatable("No factors recorded."))
            started = referral.assessment_started_on
            yield Event(
                referral.assessment_authorised_on,
                _say(translatable("{name}: assessment completed", name=name)),
                _then(
                    _say(translatable("Started {day}.", day=i18n.long_date(started)))
                    if started
                    else "",
                    found,
                ),
                (referral.person_id,),
                "referral",
                referral.id,
                "assessment",
            )


ENDED = {
    "step_down": translatable("Stepped down to early help"),
    "close": translatable("Our work with the family ended"),
}


def endings(records: FamilyRecords) -> Iterable[Event]:
    """Our work ending (a step down or closure, with its reason), a reopening, a transfer."""
    family_id = records.family.id
    for episode in db.session.scalars(
        sa.select(CaseEpisode).where(CaseEpisode.family_id == family_id)
    ):
        if episode.follows_id is not None:
            why = episode.reopen_reason or _say(translatable("not recorded"))
            yield Event(
                episode.opened_on,
                _say(translatable("The family's case was reopened")),
                _then(
                    _say(
                        translatable(
                            "Reopened by {worker}.",
                            worker=records.worker_name(episode.opened_by_id),
                        )
                    ),
                    _say(translatable("Why: {reason}", reason=why)),
                ),
                (),
                "case_episode",
                episode.id,
                "reopened",
            )
        if episode.closed_on is not None and episode.ending_kind in ("step_down", "close"):
            reason = _label("closure_reason", episode.closure_reason)
            yield Event(
                episode.closed_on,
                _say(ENDED[episode.ending_kind]),
                _then(
                    _say(
                        translatable(
                            "Agreed by {worker}.", worker=records.worker_name(episode.closed_by_id)
                        )
                    ),
                    _say(translatable("Reason: {reason}.", reason=reason)) if reason else "",
                ),
                (),
                "case_episode",
                episode.id,
                "closed",
            )
    transfers = db.session.execute(
        sa.select(FamilyTransfer, Team.name)
        .join(Team, Team.id == FamilyTransfer.to_team_id)
        .where(FamilyTransfer.family_id == family_id)
    )
    for transfer, team in transfers:
        yield Event(
            clock.council_date(transfer.agreed_at),
            _say(translatable("Move to {team} agreed", team=team)),
            _say(
                translatable(
                    "{worker} agreed the family moves to {team}.",
                    worker=records.worker_name(transfer.agreed_by_id),
                    team=team,
                )
            ),
            (),
            "family_transfer",
            transfer.id,
            "agreed",
        )
        if transfer.accepted_at is not None:
            yield Event(
                clock.council_date(transfer.accepted_at),
                _say(translatable("Moved to {team}", team=team)),
                _say(
                    translatable(
                        "{worker} accepted the family into {team}.",
                        worker=records.worker_name(transfer.accepted_by_id),
                        team=team,
                    )
                ),
                (),
                "family_transfer",
                transfer.id,
                "accepted",
            )


def worker_entries(records: FamilyRecords) -> Iterable[Event]:
    """The events workers added themselves (chronology entries)."""
    for entry in db.session.scalars(_live(ChronologyEntry, records.family.id)):
        yield Event(
            entry.occurred_on,
            entry.event,
            entry.event,
            tuple(uuid.UUID(child_id) for child_id in entry.child_ids or []),
            "chronology_entry",
            entry.id,
            source=entry.source,
            impact=entry.impact,
            added_by=records.worker_name(entry.created_by_id),
            proposed=False,
        )


# Every source of the chronology, one line each. A new source is a function
# taking FamilyRecords and returning Events, added here.
SOURCES: Sequence[EventSource] = (
    plan_episodes,
    conferences,
    red_decisions,
    handovers,
    address_changes,
    school_changes,
    referrals,
    strategy_discussions,
    endings,
    worker_entries,
)


# --- reading it -------------------------------------------------------------------------


def family_records(family: Family) -> FamilyRecords:
    children = db.session.scalars(
        sa.select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.family_id == family.id,
            Membership.deleted_at.is_(None),
            Person.deleted_at.is_(None),
            Person.is_child.is_(True),
        )
        .order_by(Person.date_of_birth, Person.given_name)
    )
    return FamilyRecords(family, {child.id: child for child in children})


def events_of(
    records: FamilyRecords,
    child_id: uuid.UUID | None = None,
    sources: Sequence[EventSource] = SOURCES,
) -> list[Event]:
    """Return the family's events (for one child, or all), oldest first."""
    events = [event for source in sources for event in source(records)]
    events = [event for event in events if event.concerns(child_id)]
    return sorted(events, key=lambda event: (event.on, event.proposed is False, event.title))


def _child_in_family(records: FamilyRecords, child_id: uuid.UUID | None) -> None:
    if child_id is not None and child_id not in records.children:
        raise InvalidInput(
            errors=field_errors(child_id=translatable("Choose a child of this family."))
        )


def chronology(actor: Actor, family_id: uuid.UUID, child_id: uuid.UUID | None) -> dict[str, Any]:
    """Return a family's chronology as the API shows it; the read is audited."""
    user = actor.user
    family = access.get_visible(Family, user, family_id)  # 404 outside their scope
    records = family_records(family)
    _child_in_family(records, child_id)
    events = events_of(records, child_id)
    record_event(
        AuditAction.READ,
        "chronology",
        family_id=family.id,
        detail={"child_id": str(child_id) if child_id else None, "events": len(events)},
        actor=actor,
    )
    return {"family_id": family.id, "child_id": child_id, "events": events}


def latest_story(family_id: uuid.UUID) -> CaseSummary | None:
    """Return the family's story so far: its latest version.

    The latest is a version no other follows; if two workers each wrote one
    offline after the same version, the one written later on its device.
    """
    versions = list(db.session.scalars(_live(CaseSummary, family_id)))
    followed = {version.previous_id for version in versions}
    heads = [version for version in versions if version.id not in followed] or versions
    return max(
        heads,
        key=lambda version: (version.device_written_at or version.created_at, version.created_at),
        default=None,
    )


STORY_SECTIONS = (
    ("who", _("Who is in the family and who matters to them")),
    ("what_happened", _("What has happened so far")),
    ("worries", _("What we are worried about")),
    ("going_well", _("What is going well")),
    ("next_steps", _("What happens next")),
)


def printable(actor: Actor, family_id: uuid.UUID, child_id: uuid.UUID | None) -> dict[str, Any]:
    """Gather what the print shows, and audit the print (with the child chosen)."""
    user = actor.user
    family = access.get_visible(Family, user, family_id)
    records = family_records(family)
    _child_in_family(records, child_id)
    events = events_of(records, child_id)
    # The story is the whole family's: a print for one child leaves it out.
    story = latest_story(family.id) if child_id is None else None
    record_event(
        AuditAction.EXPORT,
        "chronology",
        family_id=family.id,
        detail={
            "print": True,
            "child_id": str(child_id) if child_id else None,
            "events": len(events),
            "story_version": str(story.id) if story is not None else None,
        },
        actor=actor,
    )
    return {
        "family": family,
        "child": records.children.get(child_id) if child_id else None,
        "child_name": records.child_name(child_id) if child_id else None,
        "children": records.children,
        "child_names": {key: records.child_name(key) for key in records.children},
        "events": events,
        "story": story,
        "story_by": records.worker_name(story.created_by_id) if story is not None else None,
        "story_sections": STORY_SECTIONS,
        # The print is in the printing person's language, dates too.
        "language": i18n.current_language(),
        "printed_on": i18n.long_date(clock.council_date(clock.now())),
        "printed_by": user.display_name,
        "long_date": i18n.long_date,
    }

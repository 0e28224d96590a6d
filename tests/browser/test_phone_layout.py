"""On a 390 px phone: every screen fits, the skip link works, the network map is legible.

The screens are the router's own: a test reads the app's routes and fails when
one of them is not visited below, so a new screen cannot be left out.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import expect

import demo
from server import clock
from server.extensions import db
from server.persistence import (
    Assignment,
    Consultation,
    Family,
    Interaction,
    Judgment,
    Membership,
    Note,
    PlanEpisode,
    Relationship,
    Suggestion,
    SupervisionDiscussion,
    SupervisionSession,
    User,
)
from tests.api.casework import created
from tests.browser.conftest import PASSPHRASE, check_accessibility, sign_in, wait_until_synced
from tests.conftest import ApiClient

PHONE = {"width": 390, "height": 844}
LONG_ORGANISATION = "Boxing club at the leisure centre on Hillside Road"
PLAN = [
    ("Walk the children to school every morning and tell the school if late", "Aunt Bisi"),
    ("Arrange a weekly call with their father, supervised by their grandmother", "Gran"),
]

# The ids an address may need, filled in from the council below.
IDS = (
    *("family", "child", "visit", "conference", "note", "judgment"),
    *("session", "discussion", "consultation", "suggestion", "team"),
    *("ended_child", "ended_plan"),
    *("reviewed", "worker", "strategy", "family_copy"),
    *("referred_child", "referral"),
)

# Every address the app answers, by who opens it. {family} and the like are
# filled in from the demo council; "#/no-such-screen" is the not-found page.
CASEWORK = [
    "#/",
    "#/family/{family}",
    "#/family/{family}/network",
    "#/family/{family}/person/{child}",
    "#/family/{family}/visit",
    "#/family/{family}/visit/{visit}",
    "#/family/{family}/conference",
    "#/family/{family}/conference/{conference}",
    "#/family/{family}/handover",
    "#/family/{family}/ending",
    "#/family/{family}/reopen",
    "#/family/{family}/chronology",
    "#/family/{family}/chronology/child/{child}",
    "#/family/{family}/story",
    "#/family/{family}/strategy",
    "#/family/{family}/strategy/{strategy}",
    "#/family/{family}/judgment",
    "#/family/{family}/child/{child}/plan",
    "#/family/{family}/child/{child}/census",
    "#/family/{family}/child/{child}/referral",
    "#/family/{family}/child/{referred_child}/referral/{referral}",
    "#/family/{family}/child/{ended_child}/plan/{ended_plan}/correct",
    "#/note/{note}",
    "#/family-copy/{family_copy}",
    "#/family-copy/{family_copy}/print",
    "#/judgment/{judgment}",
    "#/judgment/{judgment}/review",
    "#/judgment/{reviewed}/review",
    "#/judgment/{reviewed}/share",
    "#/judgment/{reviewed}/propose",
    "#/letters",
    "#/supervision-record",
    "#/supervision-record/{worker}",
    "#/escalations",
    "#/group-supervision",
    "#/group-supervision/{session}",
    "#/group-supervision/{session}/{discussion}",
    "#/consultations",
    "#/consultations/new",
    "#/consultations/{consultation}",
    "#/suggestions",
    "#/suggestions/new",
    "#/suggestions/{suggestion}",
    "#/notifications",
    "#/language",
    "#/open/assignment/{family}",
    "#/inbox",
    "#/reviews",
    "#/team",
    "#/transfers",
    "#/closed-families",
    "#/policy",
    "#/sync",
    "#/sign-out",
    "#/no-such-screen",
]
SCREENS: dict[str, list[str]] = {
    # Before signing in, on a device that holds nothing yet.
    "signed-out": ["#/sign-in", "#/unlock", "#/lock", "#/revoked", "#/sign-in-again"],
    "cw.amara": CASEWORK,
    "sup.north": CASEWORK,
    "analyst": ["#/summaries", "#/language", "#/summaries/sign-out"],
    "performance": ["#/statutory-returns", "#/language"],
    "admin": [
        "#/",
        "#/policy",
        "#/urgent-numbers",
        "#/subject-access",
        "#/suggestions",
        "#/suggestions/new",
        "#/suggestions/{suggestion}",
        "#/notifications",
        "#/sync",
        "#/sign-out",
    ],
    # The practice lead owns the decision policy, its trials and newly qualified lights.
    "lead": [
        "#/",
        "#/policy",
        "#/policy/trials",
        "#/policy/trials/new",
        "#/policy/newly-qualified",
        "#/policy/newly-qualified/{team}",
        "#/urgent-numbers",
        "#/suggestions",
        "#/suggestions/{suggestion}",
        "#/notifications",
        "#/sync",
        "#/sign-out",
    ],
}

# Run in the page: every way a screen can be wider than the phone or cut its content off.
OVERFLOWS = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth || page > width) {
    problems.push(`the page is ${page}px wide on a ${window.innerWidth}px screen`);
  }
  const name = (element) => {
    const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const kind = typeof element.className === "string" ? element.className.split(" ")[0] : "";
    return `<${element.tagName.toLowerCase()}${kind ? "." + kind : ""}> "${text}"`;
  };
  // Hidden on purpose: for screen readers only (1px, clipped), or not drawn.
  const unseen = (element) => {
    for (let up = element; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.position === "absolute" && up.clientWidth <= 1 && up.clientHeight <= 1) return true;
      if (up.matches("script, style, title, desc")) return true;
    }
    return false;
  };
  const reported = new Set(); // name the outermost element only, not all inside it
  const within = (element) => {
    for (let up = element.parentElement; up; up = up.parentElement) {
      if (reported.has(up)) return true;
    }
    return false;
  };
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || within(element) || unseen(element)) continue;
    if (box.right > width + 1 || box.left < -1) {
      reported.add(element);
      problems.push(`${name(element)} reaches ${Math.round(box.left)}..${Math.round(box.right)}px`);
      continue;
    }
    if (["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName)) continue; // they scroll
    const style = getComputedStyle(element);
    const clips = ["hidden", "clip", "auto", "scroll"].includes(style.overflowX);
    const hidden = element.scrollWidth - element.clientWidth;
    if ((clips || style.textOverflow === "ellipsis") && hidden > 1) {
      reported.add(element);
      problems.push(`${name(element)} hides ${hidden}px of its content`);
    }
  }
  // Text stays inside the page's margins (its width container), not just the screen.
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = texts.nextNode(); text; text = texts.nextNode()) {
    const element = text.parentElement;
    if (!text.textContent.trim() || within(element) || unseen(element)) continue;
    const frame = element.closest(".govuk-width-container")?.getBoundingClientRect();
    const [left, right] = frame ? [frame.left, frame.right] : [0, width];
    const range = document.createRange();
    const outside = (r) => r.right > right + 1 || r.left < left - 1;
    range.selectNodeContents(text);
    if (![...range.getClientRects()].some(outside)) continue;
    // A line's rectangle takes in the space where it wraps: look at the letters.
    for (let at = 0; at < text.length; at++) {
      if (!text.textContent[at].trim()) continue;
      range.setStart(text, at);
      range.setEnd(text, at + 1);
      const letter = [...range.getClientRects()].find(outside);
      if (letter) {
        reported.add(element);
        const edges = `${Math.round(letter.left)}..${Math.round(letter.right)}px`;
        problems.push(`${name(element)}: text at ${edges}, outside ${left}..${right}px`);
        break;
      }
    }
  }
  return problems;
}"""


def fill(address: str, ids: dict[str, str]) -> str:
    return address.format_map(ids)


@pytest.fixture
def council(app: Flask) -> dict[str, str]:
    """Load the demo council and give cw.amara's busiest family a plan and a long-named club.

    The child's plan page is that of a child of the family on a plan, if one is.

    Return the ids each address needs.
    """
    with app.app_context():
        demo.load_demo_data(families=12, seed=7)
        amara = db.session.scalar(sa.select(User).where(User.username == "cw.amara"))
        assert amara is not None
        team = str(amara.team_id)
        amara_id = str(amara.id)
        theirs = sa.select(Assignment.family_id).where(
            Assignment.worker_id == amara.id, Assignment.ended_on.is_(None)
        )
        busiest = (
            sa.select(Family.id)
            .join(Relationship, Relationship.family_id == Family.id)
            .where(Family.id.in_(theirs))
            .group_by(Family.id)
            .order_by(sa.func.count(Relationship.id).desc(), Family.id)
        )
        family_id = db.session.scalars(busiest).first()
        family = str(family_id)
        # The latest session's discussion of one of hers: its actions are open, with a button.
        discussion = db.session.scalars(
            sa.select(SupervisionDiscussion)
            .join(SupervisionSession, SupervisionSession.id == SupervisionDiscussion.session_id)
            .where(SupervisionSession.team_id == amara.team_id)
            .order_by(
                SupervisionSession.held_at.desc(),
                SupervisionDiscussion.family_id.in_(theirs).desc(),
                SupervisionDiscussion.id,
            )
        ).first()
        assert discussion is not None

    worker = ApiClient(app.test_client())
    assert worker.login("cw.amara", demo.DEMO_PASSWORD).status_code == 200
    child = next(
        person
        for person in worker.get(f"/api/people?family_id={family}").json["items"]
        if person["is_child"]
    )
    created(
        worker.post(
            "/api/relationships",
            json={
                "family_id": family,
                "from_person_id": child["id"],
                "to_organisation": LONG_ORGANISATION,
                "organisation_kind": "community",
                "type": "YOUTH",
                "quality": "strong",
                "support_role": "Coach who walks them home on Thursdays",
            },
        )
    )
    conference = created(
        worker.post(
            "/api/conferences",
            json={
                "family_id": family,
                "referral": {"reason": "Build a support network", "questions": ["Who helps?"]},
            },
        )
    )
    for task, who in PLAN:
        created(
            worker.post(
                "/api/plan-actions",
                json={
                    "family_id": family,
                    "conference_id": conference["id"],
                    "task": task,
                    "who": who,
                    "due_on": "2030-01-31",
                    "checked_by": "The family's allocated worker",
                },
            )
        )

    # A strategy discussion with long names and roles, and its enquiry's ICPC due.
    strategy = created(
        worker.post(
            "/api/strategy-discussions",
            json={
                "family_id": family,
                "discussed_at": clock.now().isoformat(),
                "participants": [
                    {
                        "name": "Detective Constable Rana Begum-Whitfield",
                        "role": "Child abuse investigation team, Hillside Road police station",
                        "agency": "police",
                    },
                    {"name": "Joy Adeyemi", "role": "Health visitor", "agency": "health"},
                ],
                "child_ids": [child["id"]],
                "information_shared": "The school saw a bruise; the health visitor has worried "
                "about the home since the spring.",
                "decision": "joint_s47",
            },
        )
    )

    # A referral whose assessment is authorised: its factors to record.
    referral = created(
        worker.post(
            "/api/referrals",
            json={
                "family_id": family,
                "person_id": child["id"],
                "referred_on": "2023-09-04",
                "source": "7",
                "primary_need": "N4",
                "assessment_started_on": "2023-09-05",
                "assessment_authorised_on": "2023-10-16",
                "assessment_factors": ["3B"],
            },
        )
    )

    # A short early help plan that ended before any of the suite's moments: one to correct.
    created(
        worker.post(
            "/api/plan-episodes",
            json={
                "family_id": family,
                "person_id": child["id"],
                "plan_type": "early_help",
                "started_on": "2023-01-09",
                "ended_on": "2023-06-30",
                "end_reason": "aims_met",
            },
        )
    )

    # The family's own copy of a signed note, still a draft: its checks and its form.
    with app.app_context():
        signed = db.session.scalars(
            sa.select(Note.id)
            .where(Note.family_id == family_id, Note.state == "signed")
            .order_by(Note.id)
        ).first()
        household = db.session.scalars(
            sa.select(Membership.person_id).where(Membership.family_id == family_id)
        ).all()
    family_copy = created(
        worker.post(
            "/api/family-copies",
            json={
                "family_id": family,
                "note_id": str(signed),
                "household_ids": [str(person) for person in household],
                "sections": {
                    "what_happened": "We talked about contact and the placement at the "
                    "meeting, and about how the mornings go before school each day of the "
                    "week, and who helps with the walk when it rains.",
                    "who_does_what": "Aunt Bisi: walk the children to school, by Monday.",
                },
            },
        )
    )

    with app.app_context():

        def first(model: Any, *where: Any) -> str:
            found = db.session.scalars(sa.select(model.id).where(*where).order_by(model.id)).first()
            assert found is not None, model.__name__
            return str(found)

        on_a_plan = db.session.scalars(
            sa.select(PlanEpisode.person_id)
            .where(PlanEpisode.family_id == family_id, PlanEpisode.ended_on.is_(None))
            .order_by(PlanEpisode.person_id)
        ).first()
        # An ended plan of one of hers, to correct.
        ended = db.session.execute(
            sa.select(PlanEpisode.person_id, PlanEpisode.id)
            .where(PlanEpisode.family_id == family_id, PlanEpisode.ended_on.is_not(None))
            .order_by(PlanEpisode.id)
        ).first()
        return {
            "ended_child": str(ended.person_id),
            "ended_plan": str(ended.id),
            "family": family,
            "child": str(on_a_plan or child["id"]),
            "visit": first(Interaction, Interaction.family_id == family_id),
            "conference": conference["id"],
            "strategy": strategy["id"],
            "note": first(Note, Note.family_id == family_id),
            "judgment": first(Judgment, Judgment.family_id == family_id),
            "session": str(discussion.session_id),
            "discussion": str(discussion.id),
            "consultation": first(Consultation),
            "suggestion": first(Suggestion),
            "team": team,
            # A decision already reviewed: its review, and sharing what it taught.
            "reviewed": first(
                Judgment, Judgment.family_id.in_(theirs), Judgment.reviewed_on.is_not(None)
            ),
            "worker": amara_id,
            "family_copy": family_copy["id"],
            "referred_child": child["id"],
            "referral": referral["id"],
        }


def phone(new_context: Any) -> Any:
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    return page


def sign_in_as(page: Any, username: str) -> None:
    """Sign in with the demo password; caseworkers, supervisors and admins choose a passphrase."""
    page.goto("/#/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if username == "analyst":
        page.get_by_role("heading", level=1, name="Service summaries").wait_for()
        return
    if username == "performance":  # online only, like the analyst: no passphrase
        page.get_by_role("heading", level=1, name="Statutory returns").wait_for()
        return
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.get_by_role("button", name="Save and continue").click()
    # Unlocked, and gone to their home: an admin's is opened as the passphrase is
    # kept, and an address opened before that would be left for it.
    page.wait_for_function(
        "() => window.fieldwork.session.unlocked && !location.hash.startsWith('#/sign-in')"
    )
    wait_until_synced(page)


def open_screen(page: Any, address: str) -> str:
    """Go to an address as a link in the app would; return the screen's heading once drawn."""
    # Each screen is drawn into a new element of its own: mark the one shown now.
    page.evaluate(
        """(address) => {
          if (location.hash === address) return; // on show already
          document.querySelector('#main-content > *')?.setAttribute('data-left', '');
          location.hash = address;
        }""",
        address,
    )
    page.wait_for_function(
        """() => {
          const heading = document.querySelector('#main-content > :not([data-left]) h1');
          return heading && document.title.startsWith(heading.textContent.trim())
            && !/^(Opening|Loading)/.test(heading.textContent.trim());
        }"""
    )
    page.wait_for_timeout(300)  # a screen that reads the server draws again when it answers
    return str(page.locator("#main-content h1").first.text_content()).strip()


def overflows(page: Any, screens: list[str], ids: dict[str, str]) -> list[str]:
    found = []
    for address in screens:
        heading = open_screen(page, fill(address, ids))
        if os.environ.get("PHONE_SHOTS"):  # a folder: save what each screen looks like there
            who = page.evaluate("window.fieldwork.session.user?.username || 'signed-out'")
            shot = f"{who}{re.sub('[^a-z-]', '_', address)}.png"
            page.screenshot(path=os.path.join(os.environ["PHONE_SHOTS"], shot), full_page=True)
        for problem in page.evaluate(OVERFLOWS):
            found.append(f"{address} ({heading}): {problem}")
    return found


def test_every_route_of_the_app_is_visited_on_a_phone(page_of_app: Any) -> None:
    """A new screen in the router must be added to SCREENS: this fails until it is."""
    patterns = page_of_app.evaluate(
        """async () => (await import('/src/ui/routes.js')).routes
          .map((route) => route.pattern.source.replace(/^\\^|\\$$/g, ''))"""
    )
    assert len(patterns) > 20, patterns
    ids = {key: str(uuid.uuid4()) for key in IDS}
    shown = set()
    for address in (fill(each, ids) for screens in SCREENS.values() for each in screens):
        # As the router does: the first route that matches shows the address.
        shown.add(next(pattern for pattern in patterns if re.fullmatch(pattern, address)))
    assert [pattern for pattern in patterns if pattern not in shown] == [], (
        "routes no phone test visits: add them to SCREENS"
    )


@pytest.fixture
def page_of_app(new_context: Any) -> Any:
    page = phone(new_context)
    page.goto("/")
    page.get_by_role("heading", level=1).first.wait_for()
    # Its files cached: none is still being sent when the test ends and the browser closes.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    return page


@pytest.mark.parametrize(
    "username", ["cw.amara", "sup.north", "admin", "analyst", "lead", "performance"]
)
def test_every_screen_fits_a_phone(council, new_context, username) -> None:
    page = phone(new_context)
    page.goto("/")
    page.get_by_role("heading", level=1).first.wait_for()
    found = overflows(page, SCREENS["signed-out"], council) if username == "cw.amara" else []
    sign_in_as(page, username)
    found += overflows(page, SCREENS[username], council)
    assert found == [], "\n".join(found)


def test_the_skip_link_moves_to_the_main_content_and_stays_on_the_screen(
    make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = phone(new_context)
    sign_in(page, "amara")
    page.get_by_role("link", name="Okoro").click()
    heading = page.get_by_role("heading", level=1, name="Okoro")
    expect(heading).to_be_visible()
    address = page.url

    skip = page.get_by_role("link", name="Skip to main content")
    skip.focus()
    expect(skip).to_be_in_viewport()  # shown when it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(heading).to_be_visible()
    expect(page.get_by_role("heading", name="Page not found")).to_have_count(0)
    assert page.url == address

    # Reached without the link (typed into the address bar, say): the same.
    page.get_by_role("button", name="Network map").click()
    expect(page.get_by_role("heading", level=1, name="Network map")).to_be_visible()
    address = page.url
    page.evaluate("() => { location.hash = '#main-content'; }")
    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(address)
    expect(page.get_by_role("heading", level=1, name="Network map")).to_be_visible()


# Run in the page: each node of the network map, what it shows and how big, and
# each label's box against the map's.
MAP_LABELS = """() => {
  const map = document.querySelector(".app-network svg");
  const frame = map.getBoundingClientRect();
  const scale = map.getScreenCTM().a; // drawing units to CSS pixels
  const inside = (box) => box.left >= frame.left - 0.5 && box.right <= frame.right + 0.5
    && box.top >= frame.top - 0.5 && box.bottom <= frame.bottom + 0.5;
  const labels = [...map.querySelectorAll("text")].map((text) => {
    const box = text.getBoundingClientRect();
    return {
      text: text.textContent.replace(/\\s+/g, " ").trim(),
      px: parseFloat(getComputedStyle(text).fontSize) * scale,
      inside: inside(box),
      box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom },
    };
  });
  const nodes = [...map.querySelectorAll("[data-node]")].map((node) => {
    const box = node.getBoundingClientRect();
    return {
      shown: node.querySelector("text").textContent.replace(/\\s+/g, " ").trim(),
      name: node.getAttribute("aria-label"),
      box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom },
    };
  });
  return { labels, nodes };
}"""


def overlapping(items: list[dict[str, Any]], key: str) -> list[tuple[str, str]]:
    """Return the pairs of items whose boxes overlap."""

    def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
        return (
            a["left"] < b["right"] - 1
            and b["left"] < a["right"] - 1
            and a["top"] < b["bottom"] - 1
            and b["top"] < a["bottom"] - 1
        )

    return [
        (one[key], other[key])
        for number, one in enumerate(items)
        for other in items[number + 1 :]
        if overlap(one["box"], other["box"])
    ]


def test_the_network_map_labels_are_legible_and_whole_on_a_phone(
    make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    api = make_client("amara")
    people = {p["given_name"]: p for p in api.get(f"/api/people?family_id={fid}").json["items"]}
    godmother = created(
        api.post(
            "/api/people",
            json={"family_id": fid, "given_name": "Oluwaseunfunmilayo", "family_name": "Adeyemi"},
        )
    )
    sam = people["Sam"]["id"]
    for to in (
        {"to_person_id": people["Alex"]["id"], "type": "MTH"},
        {"to_person_id": godmother["id"], "type": "FRND"},
        {"to_organisation": LONG_ORGANISATION, "organisation_kind": "community", "type": "YOUTH"},
        {"to_organisation": "Hillside Primary School", "type": "TEACHER"},
        {"to_organisation": "Riverside Surgery", "organisation_kind": "gp", "type": "GP"},
    ):
        created(
            api.post(
                "/api/relationships",
                json={"family_id": fid, "from_person_id": sam, "quality": "strong", **to},
            )
        )

    page = phone(new_context)
    sign_in(page, "amara")
    page.evaluate("(address) => { location.hash = address; }", f"#/family/{fid}/network")
    expect(page.get_by_role("heading", level=1, name="Network map")).to_be_visible()
    drawn = page.evaluate(MAP_LABELS)

    # Whole: each node shows its full name (the organisation's, or the person's
    # given name), never cut short, and its spoken name holds what it shows.
    shown = sorted(node["shown"] for node in drawn["nodes"])
    assert shown == sorted(
        [
            "Alex",
            "Sam",
            "Oluwaseunfunmilayo",
            LONG_ORGANISATION,
            "Hillside Primary School",
            "Riverside Surgery",
        ]
    )
    for node in drawn["nodes"]:
        assert node["shown"] in node["name"], node
    # Legible: at least 13 CSS px on the phone (names 14 px and more), inside the
    # map, and nothing drawn over anything else.
    for label in drawn["labels"]:
        assert label["px"] >= 13, label
        assert label["inside"], f"{label['text']} is cut off by the edge of the map"
    names = [label for label in drawn["labels"] if label["text"] in shown]
    assert len(names) == len(shown) and all(label["px"] >= 14 for label in names), names
    assert overlapping(drawn["nodes"], "shown") == [], "nodes drawn over each other"
    assert overlapping(drawn["labels"], "text") == [], "labels written over each other"
    assert page.evaluate(OVERFLOWS) == []
    check_accessibility(page, "network map on a phone")
    # What a node shows is in what it is called (WCAG 2.5.3), checked on each node.
    named = page.evaluate(
        """async () => await axe.run(".app-network", {
            runOnly: {type: "rule", values: ["label-content-name-mismatch"]}
        })"""
    )
    assert named["violations"] == []
    assert [len(rule["nodes"]) for rule in named["passes"]] == [len(drawn["nodes"])]

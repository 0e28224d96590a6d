"""A synthetic council for demonstrations: teams, workers and families that never existed."""

from __future__ import annotations

DEMO_PASSWORD = "kettle-orchard-lantern-42"
DEMO_USERS = [
    ("cw.amara", "Amara Okafor", "caseworker", "North Family Support"),
    ("sup.north", "Hannah Price", "supervisor", "North Family Support"),
    ("analyst", "Priya Shah", "analyst", None),
    ("admin", "Sam Taylor", "admin", None),
]


def load_demo_data(*, families: int, seed: int) -> dict[str, int]:
    from .domain.roles import Role
    from .extensions import db
    from .services import accounts

    for username, name, role, team in DEMO_USERS:
        accounts.create_user(
            username,
            DEMO_PASSWORD,
            role=Role(role),
            display_name=name,
            team=accounts.get_or_create_team(team) if team else None,
        )
    db.session.commit()
    return {"users": len(DEMO_USERS)}


def sign_in_help() -> str:
    lines = ["Demo sign-ins (password for all: " + DEMO_PASSWORD + "):"]
    lines += [f"  {role:<11} {username}" for username, _, role, _ in DEMO_USERS]
    return "\n".join(lines)

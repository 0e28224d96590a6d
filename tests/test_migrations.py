"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from server.extensions import db


def _differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, db.metadata))


def test_models_and_migrations_agree(app):
    with app.app_context():
        assert _differences() == []


def test_migrations_go_down_to_empty_and_up_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert _differences() == []
        assert "audit_event" in db.inspect(db.engine).get_table_names()


def test_stored_reasons_for_closure_move_to_the_census_codes_and_back(app, make_user, make_family):
    """0034: the app's first closure_reason list was one off the census's from RC4."""
    import sqlalchemy as sa

    from server.persistence import CaseEpisode, Family, Judgment, SyncChange

    worker = make_user("caseworker")
    # Made at head, with the census's codes: one family per reason, each with an
    # episode and a proposal that ended it.
    census_codes = [f"RC{n}" for n in range(1, 10)] + [None]
    families = [make_family(team_of=worker, name=f"F{code}").id for code in census_codes]
    with app.app_context():
        for family_id, code in zip(families, census_codes, strict=True):
            family = db.session.get(Family, family_id)
            family.closure_reason = code
            db.session.add(
                CaseEpisode(family_id=family_id, opened_on=date(2026, 1, 5), closure_reason=code)
            )
            db.session.add(
                Judgment(
                    family_id=family_id,
                    question="Is it time to end our work?",
                    category="close_case",
                    light="amber",
                    policy_version=1,
                    ending={"kind": "close", "closure_reason": code, "changes": []},
                )
            )
        db.session.commit()

        def stored() -> list[tuple[object, ...]]:
            db.session.expire_all()
            rows = []
            for family_id in families:
                family = db.session.get(Family, family_id)
                episode = db.session.scalar(
                    sa.select(CaseEpisode).where(CaseEpisode.family_id == family_id)
                )
                judgment = db.session.scalar(
                    sa.select(Judgment).where(Judgment.family_id == family_id)
                )
                rows.append(
                    (
                        family.closure_reason,
                        episode.closure_reason,
                        judgment.ending["closure_reason"],
                    )
                )
            db.session.rollback()
            return rows

        def versions() -> list[int]:
            db.session.expire_all()
            found = [db.session.get(Family, family_id).version for family_id in families]
            db.session.rollback()
            return found

        before = versions()
        db.session.remove()
        downgrade(revision="0033")
        # The first edition: RC5 to RC9 back to RC4 to RC8; a special guardianship
        # order (RC4) had no code in it, so it is cleared.
        old = ["RC1", "RC2", "RC3", None, "RC4", "RC5", "RC6", "RC7", "RC8", None]
        assert stored() == [(code, code, code) for code in old]
        moved = [
            v + 1 if code not in ("RC1", "RC2", "RC3", None) else v
            for v, code in zip(before, census_codes, strict=True)
        ]
        assert versions() == moved
        db.session.remove()
        upgrade()
        back = ["RC1", "RC2", "RC3", None, "RC5", "RC6", "RC7", "RC8", "RC9", None]
        assert stored() == [(code, code, code) for code in back]
        # The devices holding the families and decisions changed are told of them.
        fed = db.session.execute(
            sa.select(SyncChange.entity, SyncChange.record_id).where(
                SyncChange.family_id == families[4]
            )
        ).all()
        assert {entity for entity, _ in fed} >= {"family", "judgment"}
        assert len([1 for entity, record in fed if entity == "family"]) == 1

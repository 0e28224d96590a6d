"""The private supervision record: between a worker and their supervisor, about the worker.

Remarks about the worker's own wellbeing ("how is this family affecting
you?") are not the family's record: a subject access request for a family
member would disclose them. So they live here, with no link to a family or a
person, never in the change feed (no device keeps them), and are read only by
the worker and their team's supervisors (``services/supervision_records``).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import timestamp, uuid_pk


class SupervisionRecord(Model):
    """One entry of a worker's private supervision record; never changed once written."""

    __tablename__ = "supervision_record"

    id: Mapped[uuid_pk]
    # Whose record it is: the worker it is about.
    worker_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[timestamp]
    # The worker or one of their supervisors.
    created_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"))

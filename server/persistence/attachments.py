"""Resumable uploads of attachments' bytes: where each one has got to.

Kept apart from the ``attachment`` record: an upload moves with every chunk,
and a record's every write goes to the devices' change feed. Only the
upload's end (stored or refused) changes the record.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import Model
from .columns import UTCDateTime, timestamp


class AttachmentUpload(Model):
    """One attachment's upload: at most one per attachment, so its bytes are stored once.

    ``token`` names it in the upload's address; it is random and tells
    nothing, and the address still needs the session of a user who may see
    the attachment. The bytes received so far are in the blob store's
    staging area under the token, ``received`` bytes long.
    """

    __tablename__ = "attachment_upload"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    attachment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("attachment.id"), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("family.id"), index=True)
    length: Mapped[int] = mapped_column(sa.BigInteger)
    received: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[timestamp]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    # When the bytes were judged (stored or refused); the staged copy is gone by then.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

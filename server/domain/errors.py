"""Domain exceptions: one class per thing that can go wrong, one line each.

The web layer turns these into the single error shape; nothing here knows
about HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class Message(str):
    """A message with values filled in: reads as the English, and keeps its template.

    The error translator looks the template up in the catalogue and fills the
    same values into the Welsh, so "The record is now at version 3." is
    translated although no catalogue holds that very sentence.
    """

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Message:
        message = super().__new__(cls, template.format(**values) if values else template)
        message.template = template
        message.values = values
        return message


def translatable(text: str, **values: object) -> str:
    """Mark a message for the catalogue: the error translator shows it in the person's language.

    Values are filled into ``{name}`` places in the message, in either language.
    """
    return Message(text, **values) if values else text


class DomainError(Exception):
    """Base of every error the service reports to a caller."""

    code = "error"
    message = translatable("Something went wrong.")
    # Whether the work done before the error is kept: true only for an error
    # that is itself a record (a file judged and refused, an upload restarted).
    keeps_work = False

    def __init__(self, message: str | None = None, errors: Mapping[str, object] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.errors: dict[str, object] = dict(errors or {})


class InvalidInput(DomainError):
    """The request was understood but its content breaks a rule."""

    code = "invalid_input"
    message = translatable("Check the highlighted fields.")


class ProofRefused(InvalidInput):
    """The code or password given to change a second factor is wrong."""

    code = "proof_refused"
    message = translatable("Check the highlighted fields.")


class NotAuthenticated(DomainError):
    """The caller has not signed in, or their session has ended."""

    code = "not_authenticated"
    message = translatable("Sign in to continue.")


class DeviceRevoked(NotAuthenticated):
    """The device was revoked; the app must delete its local data."""

    code = "device_revoked"
    message = translatable("This device has been revoked. Its local data will be deleted.")


class SecondFactorRequired(NotAuthenticated):
    """The account needs a one-time code from an authenticator app."""

    code = "second_factor_required"
    message = translatable("Enter the 6-digit code from your authenticator app.")


class Forbidden(DomainError):
    """The caller is signed in but their role may not do this."""

    code = "forbidden"
    message = translatable("You do not have permission to do that.")


class NotFound(DomainError):
    """No such record, or none the caller may see (the two look the same)."""

    code = "not_found"
    message = translatable("Not found.")


class IdUnavailable(NotFound):
    """The id is taken by a record the caller cannot see: answered as for an unknown id."""


class VersionConflict(DomainError):
    """The record changed since the caller last read it."""

    code = "version_conflict"
    message = translatable("Someone else changed this record. Reload it and try again.")


class RecordSigned(DomainError):
    """A signed record cannot change; corrections are amendments."""

    code = "record_signed"
    message = translatable("This record is signed and cannot be changed. Add an amendment instead.")


class RecordEnded(RecordSigned):
    """The record has ended (a child's plan) and is frozen; a correction is an amendment."""

    code = "record_ended"
    message = translatable("This plan has ended and cannot be changed. Add an amendment instead.")


class RuleBroken(DomainError):
    """The action is valid in form but the service's rules refuse it."""

    code = "rule_broken"
    message = translatable("That cannot be done.")


class TooLarge(DomainError):
    """The request is over a size limit; the message names the limit."""

    code = "too_large"
    message = translatable("The request is too large.")


class TryLater(DomainError):
    """A passing failure (the database is unreachable): nothing was done; try again soon."""

    code = "unavailable"
    message = translatable("The service is unavailable for a moment. Try again soon.")
    retry_after = 5


class ChunkChecksumMismatch(DomainError):
    """A chunk of an upload is not what its checksum says: it was not kept; send it again."""

    code = "checksum_mismatch"
    message = translatable("The chunk arrived damaged. Send it again.")


class UploadOffsetMismatch(DomainError):
    """A chunk was sent for a place the upload is not at; ask where it is and go on from there."""

    code = "upload_offset_mismatch"
    message = translatable(
        "The upload is not at that offset. Ask for its offset and go on from there."
    )


class UploadRestarted(UploadOffsetMismatch):
    """The server lost the bytes received so far: the upload starts again from 0."""

    keeps_work = True


class UploadRefused(DomainError):
    """The file was judged and will never be stored; the reason says why."""

    code = "upload_refused"
    message = translatable("The file cannot be stored.")
    keeps_work = True


def field_errors(**messages: str | Sequence[str]) -> dict[str, list[str]]:
    """Return marshmallow-style field errors: each field maps to a list of messages."""
    return {
        name: [text] if isinstance(text, str) else list(text) for name, text in messages.items()
    }

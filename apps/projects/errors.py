"""Accord's one error vocabulary: what a request can be refused with.

Domain code raises these (or its own subclasses, named for what went wrong);
`apps.projects.exceptions.exception_handler` renders every one of them the same
way, once, so no view maps an error by hand. Pure: no Django, so the pure
cores can raise them too.

Every refusal is ``{"detail": message}``, plus ``"field"`` when one field is at
fault, ``"errors"`` when there are many (each naming its record and field), and
on a conflict always ``"version"``: the current version of what was written,
or null where the resource has none, so a client can re-read and retry.
"""


class AccordError(Exception):
    """A request Accord refuses: a message for a person and the HTTP status."""

    status = 400

    def __init__(self, message, *, field=None, errors=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors

    def payload(self):
        body = {"detail": self.message}
        if self.field:
            body["field"] = self.field
        if self.errors is not None:
            body["errors"] = self.errors
        return body


class Invalid(AccordError):
    """The input is wrong (400): a bad value, a record that does not validate.

    Shaped as DRF renders its own validation errors, so a client reads one 400
    shape: `detail` for a person, `errors` keyed by the field at fault."""

    status = 400

    def payload(self):
        if self.errors is None and self.field:
            return {
                "detail": f"{self.field}: {self.message}",
                "errors": {self.field: self.message},
            }
        return super().payload()


class NotFound(AccordError):
    """What the request names does not exist, or the caller may not know it does (404)."""

    status = 404


class Forbidden(AccordError):
    """The member's role does not let them ask this (403); a non-member gets
    NotFound instead, never this."""

    status = 403


class Conflict(AccordError):
    """The request collides with the current state (409): a stale version, a frozen
    set, a document that has all its annotators, a concurrent import."""

    status = 409

    def __init__(self, message, *, version=None, field=None, errors=None):
        super().__init__(message, field=field, errors=errors)
        self.version = version

    def payload(self):
        return {**super().payload(), "version": self.version}


class PreconditionFailed(Conflict):
    """An If-Match that no longer holds (412): what the request was written
    against has changed. Like a 409, it carries the current `version`."""

    status = 412


class TooLarge(AccordError):
    """The upload is over the configured limit (413)."""

    status = 413


class Throttled(AccordError):
    """Too many attempts (429): `retry_after` says in how many seconds to try
    again, sent as the Retry-After header."""

    status = 429

    def __init__(self, message, *, retry_after):
        super().__init__(message)
        self.retry_after = retry_after

"""The one base of every error a user can fix by changing what they typed or wrote."""


class UserError(ValueError):
    """A user-facing one-line error (file or option, field, what is allowed): the command
    line prints it after ``error:`` and exits with status 2."""

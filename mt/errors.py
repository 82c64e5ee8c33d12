"""Errors the command line turns into a one-line message and an exit code."""


class MtkError(Exception):
    """Base class of every error the user should see as one line, never as a traceback."""

    exit_code = 1


class InputError(MtkError):
    """Bad usage or bad input: empty, binary or undecodable file, unsupported language."""

    exit_code = 2


class ModelError(MtkError):
    """A model is missing, corrupt, cannot be downloaded or cannot be loaded."""

    exit_code = 3

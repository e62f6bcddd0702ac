"""ccverify in-process: verify attestation evidence from Python.

Each function takes the options of the ccverify command it mirrors (keyword
arguments named after the flags, '-' as '_') and returns the same JSON report
the command prints, parsed into a dict:

    import ccverify
    report = ccverify.verify("evidence/", policy="policy.yaml")
    if report["outcome"] != "trusted": ...

A verdict is not an error: UNTRUSTED evidence returns its report. Inputs that
cannot be evaluated (a missing or malformed file, a bad option value) raise
ccverify.Error, whose exit_code is the command's (2 usage, 3 input, 4 internal).
"""

import json

from . import _ccverify

__all__ = ["Error", "verify", "replay", "verify_quote", "__version__"]
__version__ = _ccverify.__version__


class Error(Exception):
    """The inputs could not be evaluated; exit_code is the command's."""

    def __init__(self, exit_code, message):
        super().__init__(message)
        self.exit_code = exit_code


def _report(outcome):
    status, error, text = outcome
    if status not in (0, 1):
        raise Error(status, error)
    return json.loads(text)


def _paths(kwargs):
    return {k: (None if v is None else str(v)) for k, v in kwargs.items()}


def verify(bundle="", **options):
    """`ccverify verify BUNDLE ... --format json`: the verify report."""
    return _report(_ccverify.verify(str(bundle), **_paths(options)))


def replay(**logs):
    """`ccverify replay ... --json`: the replay report."""
    return _report(_ccverify.replay(**_paths(logs)))


def verify_quote(quote, collateral, accept_tcb=(), **options):
    """`ccverify quote verify QUOTE --collateral F ... --json`."""
    return _report(
        _ccverify.verify_quote(str(quote), str(collateral), accept_tcb=list(accept_tcb),
                               **_paths(options)))

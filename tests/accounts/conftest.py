"""Accounts fixtures: the audit tests' checkpoint file and boundary reset, for erasure's chain checks."""

from tests.audit.conftest import _forget_legacy_boundary, checkpoint_file  # noqa: F401 - fixtures, used by name

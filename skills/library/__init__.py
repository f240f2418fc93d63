"""Skill implementations, one module per area. Each module declares skills with @skill."""

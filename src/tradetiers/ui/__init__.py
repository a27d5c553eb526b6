"""The browser app (Solara): watch the world trade, climb and borrow, and steer it live.

``tradetiers ui`` serves :mod:`tradetiers.ui.app`; :func:`add_commands` registers the
``ui`` and ``assets`` commands with the CLI. Importing this package does not import
Solara.
"""

from tradetiers.ui.commands import add_commands

__all__ = ["add_commands"]

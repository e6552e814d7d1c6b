"""The ``partners`` command line: profiles, lists, creates, CSV imports and exports on
top of ``partners_api.client``.

Each concern has its own click group (``config``, ``partners``, ``customers``) or
command (``whoami``). The commands are thin: the work is done by functions of the
other modules, which can be called from Python.
"""

"""The operator's command line, ``partners-api``.

One click group per concern (``db``, ``distributor``, ``partner``, ``key``, ``serve``,
``demo``). Each command is a thin wrapper around an async function of its module, run
with ``asyncio.run``, so the same steps can be called from Python.
"""

"""The kinds of import, one module each over ``base``; each is registered in ``imports.apps`` and found
through ``imports.registry``. docs/architecture.md lists the steps of adding one."""

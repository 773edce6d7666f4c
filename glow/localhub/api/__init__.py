"""The REST endpoints of the local GitHub, one module per area.

Each module has ``register(hub)``, which adds its routes to ``hub.router``; ``hub.py`` calls them
all (``API_MODULES``). A module sees the hub only through ``protocols.Hub`` and never imports
``hub.py``, so the import graph has no cycle.
"""

"""The demo company: a seeded generator of a believable e-commerce company (`company.py` and its parts) and the
loader that puts it into a migrated database through the service's own use cases (`load.py`, `steps.py`)."""

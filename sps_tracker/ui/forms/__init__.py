"""Entry forms: one dialog per kind of record, all built on :class:`EntryForm`."""

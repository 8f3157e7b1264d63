"""Multi-source entities: each source system's copy of the entity dimension, keyed its own way
with drifted names and attributes, and the entity-resolution answer key (truth_entity_resolution)."""

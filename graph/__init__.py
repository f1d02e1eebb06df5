"""The Techniekpact knowledge graph: loading, the store, reasoning, validation."""

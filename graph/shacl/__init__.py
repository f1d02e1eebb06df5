"""SHACL validation, one job a module: `inputs` (the graphs, from the store or a file),
`data_graph` (the graph pyshacl walks), `run` (pyshacl itself), `describe` and `report` (the
report data dict, made once), `formats` (text, JSON, Turtle). graph/validate.py puts them
together for the CLI and the service."""

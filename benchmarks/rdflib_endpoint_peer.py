"""The 'what a Python user would otherwise pick' peer: rdflib-endpoint on an in-memory rdflib Dataset."""

import sys

import rdflib
import uvicorn
from rdflib_endpoint import SparqlEndpoint

dataset = rdflib.Dataset(default_union=True)
dataset.parse(sys.argv[1], format="nquads")
uvicorn.run(SparqlEndpoint(graph=dataset), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")

"""Coverage analysis: facets, timelines, significant terms and co-occurrence over all of a query's matches."""

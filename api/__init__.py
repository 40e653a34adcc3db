"""The read-only JSON API of the committees' figures and of a province's roll-up, for the
province's own dashboards: /api/v1/…, described by its OpenAPI 3 schema at /api/v1/schema/.

It reads what the pages read, through the same doors (targets.access, rollup.access) and the
same arithmetic (targets.progress, rollup.counting), and writes nothing. No app imports it."""

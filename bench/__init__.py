"""Benchmarks of the Cầu Thia app: ``python -m bench`` runs them all, ``python -m bench.<name>``
one of them (queries, dashboard, workbook, document, imports, grid, load, fault).

Each benchmark runs in its own process against a throwaway database that it creates and removes
itself (``bench.common``): a temporary SQLite file by default, or, when DATABASE_URL names a
PostgreSQL database ``<name>``, a new database ``<name>_bench_<pid>`` on the same server, dropped
at the end even on failure. The developer's own database is never opened. ``fault`` makes a
PostgreSQL cluster of its own for its database, whatever DATABASE_URL says, and removes it.

Output is plain ``name: value`` lines, one measurement a line, each benchmark ending with its
``ratio …`` line. Numbers use a decimal comma as the app does ("12,34"), with no thousands
separator, so a line splits on ": " and parses with ``float(value.replace(",", "."))``; times are
in milliseconds (ms) or seconds (s) as their unit says, and a verdict against a target (PASS or
OVER) may follow a value. ``fault`` ends with its ``verdict`` line (PASS or FAIL) instead.
"""

"""``fuzzfox report``: what a campaign found, as Markdown, one self-contained HTML file, and JSON.

``data.gather`` reads a campaign directory into plain data (``ReportData``); the renderers
(``markdown``, ``html``, ``jsonout``, ``plot``) turn it into text and never touch the store;
``write.write_report`` puts the files and the per-bug reproducers on disk.  No framework is
imported: the report reads what the sandbox recorded.  This module imports nothing, so the CLI
starts without pandas.
"""

FORMATS = ("md", "html", "json")

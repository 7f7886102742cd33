"""Reports: what funders and program managers read (suppression, context, charts, Word, HTML)."""

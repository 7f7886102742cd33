"""Build-time tools: the tracker template, the Word template bootstrap, sample trackers, docs."""

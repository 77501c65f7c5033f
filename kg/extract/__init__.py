"""Stage 2, extract: runs the spaCy pipeline of ``extractors`` over papers; evaluation against gold."""

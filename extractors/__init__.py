"""spaCy components that extract entities and links from paper text, and their name lists."""

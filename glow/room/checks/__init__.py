"""Content validation on room pull requests: links, Markdown and accessibility, one report."""

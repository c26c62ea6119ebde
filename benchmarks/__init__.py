"""Benchmarks for article-qa (`make bench`): each figure is a median next to a baseline of the same run."""

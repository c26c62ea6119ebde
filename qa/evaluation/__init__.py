"""Measuring answers: question files, metrics, reports, SQuAD 2.0, fitting the reader."""

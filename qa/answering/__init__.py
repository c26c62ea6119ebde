"""The answering stages: analyse the question, rank, read the answer, explain, the result."""

"""Evaluation: run a question set through the index and score it (`newsbot eval`).

`runner` asks the questions and judges the passages; `metrics` holds hit@k, MRR and the rest.
"""

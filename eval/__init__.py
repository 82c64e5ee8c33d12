"""Evaluation stage: coverage, fact coverage, translation quality, model comparison, reports and the main job."""

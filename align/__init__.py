"""Alignment stage: many-to-many sentence links between a translated article and an English one, and exports."""

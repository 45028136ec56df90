"""Data-driven indicator weights: department outcomes, proposals with evidence, HR's decision, weight-set versions."""

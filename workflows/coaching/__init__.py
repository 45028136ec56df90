"""Coaching: plans and feedback reports, training, early-warning alerts, inflation and anomaly flags, courses."""

"""Onboarding: a real company sets itself up (company, shops, the promotion calendar)."""

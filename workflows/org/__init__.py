"""Org chart and logins: departments, positions, employees, users, sign-in."""

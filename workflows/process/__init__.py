"""Process: weekly tasks under KPIs, comments, deadline reminders, notification channels and exports."""

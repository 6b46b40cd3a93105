"""Reminders: what needs attention today (overdue progress reports, problems open too long,
surveys below the programme's threshold, disclosure windows closing), flagged on the dashboard
and sent once a day as in-app notifications and e-mail to the responsible users."""

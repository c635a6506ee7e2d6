"""Time: today's reminders, the week/day agenda, scheduling a session and the working-day calendar."""

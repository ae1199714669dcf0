"""Automation: rules run on ticket events and on time, macros agents apply, and the log of every firing."""

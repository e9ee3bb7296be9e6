"""Briefings (舆情简报), special reports (舆情专报), evaluations and their documents."""

from bot.briefing.legacy_tmp import build_briefing, incident_report, send_scheduled_briefing

__all__ = ["build_briefing", "incident_report", "send_scheduled_briefing"]

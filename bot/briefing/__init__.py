"""Briefings (舆情简报), special reports (舆情专报), evaluations (总结评估) and their documents.

content/stats: what a briefing says; text: the phone layout; chart: the PNG;
reports + document + markdown + word: the .md/.docx files; evaluation: response
times; special: an incident's timeline; schedule: once per day and catch-up.
"""

from bot.briefing.build import (
    build_briefing,
    evaluation_text,
    incident_report,
    report_document,
)
from bot.briefing.schedule import catch_up, send_scheduled_briefing

__all__ = [
    "build_briefing",
    "catch_up",
    "evaluation_text",
    "incident_report",
    "report_document",
    "send_scheduled_briefing",
]

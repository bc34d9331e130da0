"""Analysis package for the SECURE STAIRS evaluation report.

Every statistic shown in the report is computed by a function in this package;
the chapter notebooks only call these functions and tell the story.
"""

__version__ = "0.1.0"

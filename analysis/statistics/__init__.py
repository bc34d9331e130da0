"""Statistics: shares and intervals, models, disclosure control and interview themes."""

"""The evaluation's five topics, one module each (economics with its sensitivity analyses)."""

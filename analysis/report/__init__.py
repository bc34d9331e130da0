"""The report around the topics: headlines, recommendations, methods, appendices, reproduction."""

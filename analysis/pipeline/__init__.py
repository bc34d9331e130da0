"""Build stages: gate -> execute -> render -> publish."""

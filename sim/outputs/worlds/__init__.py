"""The worlds study's report and figures, drawn from stored results alone."""

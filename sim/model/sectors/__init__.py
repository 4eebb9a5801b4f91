"""Several sectors in one market (issue 16): presets, parameters, the model, its measures."""

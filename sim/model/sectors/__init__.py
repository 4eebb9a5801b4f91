"""Several sectors in one market (docs/sectors.md): presets, parameters, the model, its measures."""

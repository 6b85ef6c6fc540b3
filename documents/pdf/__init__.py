"""HTML → PDF (render.py) with the Sarabun glyph-to-text fix (fontfix.py, fonts/)."""

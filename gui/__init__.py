"""The lecture window. Shows engine Frames; holds no model math."""

"""Resolve a Config once into a frozen Plan that every engine stage only reads."""

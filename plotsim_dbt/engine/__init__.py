"""The engine: fixed-size entity blocks, vectorised over entities x periods, Arrow out."""

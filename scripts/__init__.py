"""Developer scripts: the demo and the benchmark."""

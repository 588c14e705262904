"""Writing files: atomic writes (files), result folders (output), the run store of saved runs (runstore),
the model as MPS/LP (export)."""

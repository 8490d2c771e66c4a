"""Code that runs inside the student's kernel, sent as source (stdlib + IPython only; nothing of the package)."""

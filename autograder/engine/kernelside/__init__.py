"""Code that runs inside the student's kernel, kept as real modules (linted and tested in-process).

The kernel may not have the autograder installed: these modules import only the standard library, numpy,
IPython (lazily) and keras/sklearn (lazily), and each other only by relative imports. ``autograder.engine.
kernelcode`` sends their source text: ``wire``, ``describe``, ``factories`` and ``shim`` (in ``KERNEL_MODULES``
order) become the kernel package ``_autograder_shim``; ``startup`` becomes the kernel's IPython startup file.
The grader imports ``wire`` (its codec), and ``LocalProxy`` the rest, as ordinary modules.
"""

KERNEL_MODULES = ("wire", "describe", "factories", "shim")

"""The stages of an article's way, one module each, in the order chain.py declares.

The broker is built here, before any stage module declares its actor on it.
"""

import workers.runtime.broker  # noqa: F401

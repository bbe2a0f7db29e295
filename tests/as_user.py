"""Run a piece of a test as another user, in a forked child process.

Root may write anywhere, so permission tests drop to another user. Whatever the
function returns travels back as JSON.
"""

import json
import os

NOBODY = 65534


def in_child_as(user: int, work):
    """work() run by `user` in a child; its JSON-able result."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.close(reader)
            os.setgid(user)
            os.setuid(user)
            os.write(writer, json.dumps(work()).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        answer = pipe.read()
    os.waitpid(child, 0)
    return json.loads(answer)

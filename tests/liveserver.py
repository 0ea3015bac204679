"""The live server (pytest-django's `live_server`: Django's LiveServerThread) sends each response without waiting.

Django's test server writes a response's headers and its body with separate send() calls on a socket that keeps
Nagle's algorithm on: the end of the body then waits until the client acknowledges the headers, and the client
delays that acknowledgement (about 40 ms on Linux). Every response with a body lost that time, and so did the tests
waiting for it (a browser tab keeps working meanwhile: Bootstrap Italia's animation loop runs on every page).

Each accepted connection gets TCP_NODELAY, as production servers set it. Measured on the 2-core machine:
spid-sp-test's POST to the ACS and its redirect took 113 ms per response case, now 22 ms
(tests/spid/test_spid_sp_test.py 16 s → 5.6 s per profile); the SPID anomaly pages' browser journey (8 sign-ins)
9.4 s → 7.8 s, and 1.6 s less CPU.
"""

import socket

from django.core.servers.basehttp import ThreadedWSGIServer


class NoDelayWSGIServer(ThreadedWSGIServer):
    """Django's threaded test server, with TCP_NODELAY on every connection it accepts."""

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


def pytest_configure(config):
    from django.test.testcases import LiveServerThread

    LiveServerThread.server_class = NoDelayWSGIServer

"""Course authoring: the Docker sandbox that boots and checks a course bundle in its own image
(``dockerbox``) and a base image built from this machine's programs when no registry is reachable
(``baseimage``). Nothing on the bot side imports this package; the ``docker`` SDK is the optional
``authoring`` extra and is imported only when a sandbox talks to the engine."""

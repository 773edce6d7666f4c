"""Course authoring: the ``glow author`` command, the Docker sandbox (``dockerbox``, the same
interface as the process sandbox, ``glow.harness.sandbox.Sandbox``), learner-path certification
on the local GitHub, the model call (``llm``: structured outputs, bounded, killed at a wall
clock), and (next) the author/review loop. The optional ``authoring`` extra
(LangGraph, OpenAI, docker) is imported only here, lazily, so this package imports without it;
no bot imports this package (tests/test_layers.py)."""

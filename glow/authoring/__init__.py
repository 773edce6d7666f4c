"""Course authoring: the ``glow author`` command, the Docker sandbox, and (next) the author/review
loop. The optional ``authoring`` extra (LangGraph, OpenAI, docker) is imported only here, and no
bot imports this package (tests/test_layers.py)."""

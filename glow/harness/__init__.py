"""The authoring harness: boots, verifies and certifies a course bundle, whoever wrote it.

Light on purpose (the standard library, pydantic and PyYAML): the Learning Room's job runs a
deliverable's visible checks with it, so nothing here imports LangGraph, OpenAI or docker. The
Docker sandbox lives in ``glow.authoring.dockerbox`` and meets the same interface
(``glow.harness.sandbox.Sandbox``). The platform knows no stack: a bundle's own
``.coursegen/runtime/*.sh`` install, boot and check it (docs/authoring/bundle.md).
"""

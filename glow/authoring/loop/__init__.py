"""The authoring loop: a course brief in the admin repository becomes a plan, the LangGraph
author/review graph turns the plan into a bundle the harness proves fair, the brief's gates
approve it, and a pull request publishes it into the Learning Room template.

Modules, in the order a run meets them: ``state`` (every record, pydantic), ``brief`` (the issue
form read back), ``plan`` (brief to plan), ``authors`` (the one interface and the recorded and
bundle authors; ``openai_author`` beside it), ``prompts``, ``safety`` (untrusted input),
``context`` (what a node may use), ``nodes``, ``graph`` (pure routers, then the wiring),
``store`` (the run's files in the admin repository), ``timeline``, ``gates``, ``publish``.
"""
